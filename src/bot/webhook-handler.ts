import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyActorRef } from 'xstate';
import { QQConfigError } from '../errors.js';
import type { WebhookTransport } from '../webhook/bot-transport.js';
import type { Bot } from './api.js';

const webhookTransports = new WeakMap<Bot, WebhookTransport>();

/** Called by `createBot()` for a bot created with `transport: 'webhook'`. */
export function registerWebhookTransport(bot: Bot, transport: WebhookTransport): void {
  webhookTransports.set(bot, transport);
}

/**
 * The webhook request listener of a bot created with `transport: 'webhook'`, for mounting in an
 * existing server (node:http, Express, Fastify, Koa; see docs/webhook.md).
 *
 * @example
 * ```ts
 * const bot = createBot({ appId, secret, transport: 'webhook' });
 * http.createServer(createWebhookHandler(bot)).listen(8080);
 * await bot.start();
 * ```
 */
export function createWebhookHandler(bot: Bot): (req: IncomingMessage, res: ServerResponse) => void {
  const transport = webhookTransports.get(bot);
  if (!transport) throw new QQConfigError('transport', "createWebhookHandler() needs a bot created with transport: 'webhook'");
  return (req, res) => transport.receiver.handle(req, res);
}

/**
 * The root actors of a bot, for the inspector (src/inspector/): the bot machine, or a webhook
 * bot's own token and webhook actors. Not part of the public barrel.
 */
export function rootActorsOf(bot: Bot): AnyActorRef[] {
  const transport = webhookTransports.get(bot);
  return transport ? [transport.token as AnyActorRef, transport.receiver.actor as AnyActorRef] : [bot.actor as AnyActorRef];
}
