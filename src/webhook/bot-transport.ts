import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { waitForToken, type TokenActorRef } from '../../machines/token.machine.js';
import { SystemId } from '../../machines/system-actors.js';

import { DeliveredEvent } from '../events/bot-event.js';
import type { AnyBotEvent } from '../events/types.js';
import type { ResolvedOptions } from '../options.js';
import { createTokenLogic } from '../runtime.js';
import type { Secret } from '../secret.js';
import { idleBotState, tokenStatusOf, type BotState } from '../state.js';
import { asBotError, type BotTransport, type TransportHooks } from '../transport.js';
import { QQWebhookError } from './errors.js';
import { createWebhookReceiver, startWebhookServer, type WebhookReceiver, type WebhookServer } from './receiver.js';

/**
 * The bot's webhook transport: a token machine of its own (REST replies need tokens), the webhook
 * receiver (its machine verifies, dedupes and dispatches), and, when `webhook` options are given,
 * an HTTP server of its own. Without them the receiver is mounted by the user through
 * `createWebhookHandler(bot)`. Its token actor is the bot's one token owner (no bot machine runs).
 */
export class WebhookTransport implements BotTransport {
  readonly receiver: WebhookReceiver;
  readonly token: TokenActorRef;
  #server: WebhookServer | null = null;
  readonly #options: ResolvedOptions;
  readonly #hooks: TransportHooks;
  #status: BotState['status'] = 'idle';
  #last: BotState = idleBotState;
  #ended = false;

  constructor(options: ResolvedOptions, logger: Logger, hooks: TransportHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.token = createActor(
      createTokenLogic({ appId: options.appId, secret: options.secret, tokenUrl: options.tokenUrl, apiBase: options.apiBase, timing: options.timing }),
      { systemId: SystemId.token, ...(options.clock ? { clock: options.clock } : {}), ...(options.inspect ? { inspect: options.inspect } : {}) },
    ).start();
    this.receiver = createWebhookReceiver({
      bots: [
        {
          appId: options.appId,
          secret: options.secret,
          onEvent: (event) => hooks.deliver(new DeliveredEvent(event.type, event.id, null, 0, event.data, hooks.replyServices) as unknown as AnyBotEvent),
        },
      ],
      logger: logger.child({ transport: 'webhook' }),
      // The receiver logs each rejected request itself (one line per request): errors$ only.
      onError: (error) => hooks.report(error, 'webhook error', error instanceof QQWebhookError ? null : logger),
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

  get state(): BotState {
    return this.#last;
  }

  /** Fetches the first token (fails fast on rejected credentials), then listens if configured. */
  async start(): Promise<void> {
    this.#setStatus('starting');
    try {
      await this.#listen();
    } catch (error) {
      this.#setStatus('failed');
      const failure = asBotError(error);
      this.#hooks.report(failure, 'webhook transport failed to start');
      throw failure;
    }
    this.#setStatus('running');
  }

  async #listen(): Promise<void> {
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
    if (this.#status !== 'failed') this.#setStatus('stopped');
    else this.#publish();
    this.#ended = true;
    this.#hooks.ended();
  }

  #setStatus(status: BotState['status']): void {
    this.#status = status;
    this.#publish();
  }

  #publish(): void {
    if (this.#ended) return;
    this.#last = { status: this.#status, token: tokenStatusOf(this.token.getSnapshot()), shards: [] };
    this.#hooks.publish(this.#last);
  }
}
