import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { waitForToken, type TokenActorRef } from '../../machines/token.machine.js';
import { SystemId } from '../../machines/system-actors.js';
import type { QQBotError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { createTokenLogic } from '../runtime.js';
import type { Secret } from '../secret.js';
import { createWebhookReceiver, startWebhookServer, type WebhookEventOut, type WebhookReceiver, type WebhookServer } from './receiver.js';

/**
 * The bot's webhook transport: a token machine of its own (REST replies need tokens), the webhook
 * receiver (its machine verifies, dedupes and dispatches), and, when `webhook` options are given,
 * an HTTP server of its own. Without them the receiver is mounted by the user through
 * `createWebhookHandler(bot)`.
 */
export class WebhookTransport {
  readonly receiver: WebhookReceiver;
  readonly token: TokenActorRef;
  #server: WebhookServer | null = null;
  readonly #options: ResolvedOptions;

  constructor(options: ResolvedOptions, logger: Logger, handlers: { onEvent(event: WebhookEventOut): void; onError(error: QQBotError): void }) {
    this.#options = options;
    this.token = createActor(
      createTokenLogic({ appId: options.appId, secret: options.secret, tokenUrl: options.tokenUrl, apiBase: options.apiBase, timing: options.timing }),
      { systemId: SystemId.token, ...(options.clock ? { clock: options.clock } : {}), ...(options.inspect ? { inspect: options.inspect } : {}) },
    ).start();
    this.receiver = createWebhookReceiver({
      bots: [{ appId: options.appId, secret: options.secret, onEvent: handlers.onEvent }],
      logger: logger.child({ transport: 'webhook' }),
      onError: handlers.onError,
      ...(options.webhook?.maxBodyBytes !== undefined ? { maxBodyBytes: options.webhook.maxBodyBytes } : {}),
      ...(options.webhook?.freshnessWindowSeconds !== undefined ? { freshnessWindowSeconds: options.webhook.freshnessWindowSeconds } : {}),
      ...(options.inspect ? { inspect: options.inspect } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** The URL of the bot's own server, or null when the receiver is mounted elsewhere. */
  get url(): string | null {
    return this.#server?.url ?? null;
  }

  /** Fetches the first token (fails fast on rejected credentials), then listens if configured. */
  async start(): Promise<void> {
    await waitForToken(this.token, {});
    const webhook = this.#options.webhook;
    if (webhook) {
      this.#server = await startWebhookServer(this.receiver, {
        ...(webhook.port !== undefined ? { port: webhook.port } : {}),
        ...(webhook.host !== undefined ? { host: webhook.host } : {}),
        ...(webhook.path !== undefined ? { path: webhook.path } : {}),
      });
    }
  }

  getAccessToken(options: { forceRefresh?: boolean }): Promise<Secret> {
    return waitForToken(this.token, options);
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = null;
    this.receiver.close();
    this.token.send({ type: 'STOP' });
    this.token.stop();
  }
}
