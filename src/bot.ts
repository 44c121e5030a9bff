import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { createActor } from 'xstate';
import { botMachine, type BotActorRef } from '../machines/bot.machine.js';
import { SystemId } from '../machines/system-actors.js';
import type { Bot } from './bot/api.js';
import { GatewayTransport } from './bot/gateway-transport.js';
import { registerWebhookTransport } from './bot/webhook-handler.js';
import { QQBotError, QQHandlerError } from './errors.js';
import type { ReplyServices } from './events/bot-event.js';
import { EventRouter } from './events/event-router.js';
import { createIntentCheck } from './events/intent-check.js';
import { IsolatedObservable } from './events/isolated.js';
import { turnClock } from './events/turn-clock.js';
import { BehaviorSubject, distinctUntilChanged, Observable, Subject } from './events/rx.js';
import type { AnyBotEvent, BotEvent, BotEventHandler } from './events/types.js';
import { createDefaultLogger, errorLogFields } from './log.js';
import { resolveOptions, type BotOptions, type ResolvedOptions } from './options.js';
import type { QQEventType } from './protocol/events.js';
import { createRestClient, type RestClient } from './rest/client.js';
import type { Secret } from './secret.js';
import { startDeadline, type StartOptions } from './start-options.js';
import { idleBotState, sameBotState, type BotState } from './state.js';
import type { BotTransport, TransportHooks } from './transport.js';
import { WebhookTransport } from './webhook/bot-transport.js';

export type { Bot } from './bot/api.js';
export { createWebhookHandler, rootActorsOf } from './bot/webhook-handler.js';

/**
 * Creates a bot. Options are checked at once: a bad one throws `QQConfigError` naming it.
 *
 * @example
 * ```ts
 * import { createBot } from 'qq-bot-machine';
 * const bot = createBot({ appId: process.env.QQ_BOT_APP_ID!, secret: process.env.QQ_BOT_SECRET!, intents: ['GROUP_AND_C2C_EVENT'] });
 * bot.handle('C2C_MESSAGE_CREATE', async (event) => {
 *   await event.reply(`you said: ${event.data.content}`);
 * });
 * await bot.start({ timeoutMs: 60_000 });
 * ```
 */
export function createBot(options: BotOptions): Bot {
  const resolved = resolveOptions(options);
  return new BotRuntime(resolved);
}

/**
 * A bot's public streams and API. How events arrive, the token, and the state are its transport's
 * (src/bot/gateway-transport.ts or src/webhook/bot-transport.ts).
 */
class BotRuntime implements Bot {
  readonly actor: BotActorRef;
  readonly events$: Observable<AnyBotEvent>;
  readonly state$: Observable<BotState>;
  readonly errors$: Observable<QQBotError>;
  readonly api: RestClient;

  readonly #logger: Logger;
  readonly #events = new EventRouter<AnyBotEvent>();
  readonly #errors = new Subject<QQBotError>();
  readonly #state = new BehaviorSubject<BotState>(idleBotState);
  readonly #reportedErrors = new WeakSet<object>();
  readonly #byType = new Map<string, Observable<AnyBotEvent>>();
  readonly #intentCheck: (types: readonly string[]) => void;
  readonly #transport: BotTransport;
  readonly #webhook: WebhookTransport | null = null;
  #lastError: QQBotError | null = null;
  #startPromise: Promise<void> | null = null;
  #stopPromise: Promise<void> | null = null;

  constructor(options: ResolvedOptions) {
    this.#logger = options.logger ?? createDefaultLogger();
    for (const warning of options.warnings) this.#logger.warn(warning);
    this.#intentCheck = createIntentCheck(options.transport === 'webhook' ? null : options.intents, (warning) => this.#logger.warn(warning));
    this.events$ = this.#isolated(this.#events.stream(null));
    this.errors$ = new IsolatedObservable(this.#errors.asObservable(), (error) => {
      this.#logger.error(errorLogFields(error), 'an errors$ subscriber threw');
    });
    this.state$ = new IsolatedObservable(
      this.#state.pipe(distinctUntilChanged(sameBotState)),
      (error) => this.#subscriberThrew(error, undefined),
    );
    this.api = createRestClient({
      apiBase: options.apiBase,
      appId: options.appId,
      getToken: (request) => this.getAccessToken(request),
      logger: this.#logger.child({ component: 'rest' }),
      ...(options.timing.http?.restMs !== undefined ? { timeoutMs: options.timing.http.restMs } : {}),
    });
    const now = (): number => Date.now();
    const replyServices: ReplyServices = { api: this.api, now, arrival: turnClock(now) };
    const events = this.#events;
    const hooks: TransportHooks = {
      replyServices,
      deliver: (event) => events.deliver(event),
      report: (error, message, log) => this.#report(error, message, log),
      publish: (state) => {
        if (!this.#state.closed) this.#state.next(state);
      },
      ended: () => this.#complete(),
    };
    if (options.transport === 'webhook') {
      this.#webhook = new WebhookTransport(options, this.#logger, hooks);
      registerWebhookTransport(this, this.#webhook);
      this.#transport = this.#webhook;
      // No bot machine runs for a webhook bot (the transport owns the token); this one is never started.
      this.actor = createActor(botMachine, { systemId: SystemId.bot, input: { intents: options.intents, shards: options.shards, gatewayUrl: options.gatewayUrl } });
    } else {
      const gateway = new GatewayTransport(options, this.#logger, hooks);
      this.#transport = gateway;
      this.actor = gateway.actor;
    }
  }

  get state(): BotState {
    return this.#transport.state;
  }

  on<K extends QQEventType>(...types: [K, ...K[]]): Observable<BotEvent<K>> {
    this.#intentCheck(types);
    const key = types.join(',');
    let stream = this.#byType.get(key);
    if (!stream) {
      stream = this.#isolated(this.#events.stream(types));
      this.#byType.set(key, stream);
    }
    return stream as Observable<BotEvent<K>>;
  }

  handle<K extends QQEventType>(types: K | readonly [K, ...K[]], handler: BotEventHandler<K>): Subscription {
    const list = (typeof types === 'string' ? [types] : [...types]) as [K, ...K[]];
    return this.on(...list).subscribe((event) => {
      const failed = (error: unknown) => this.#subscriberThrew(error, event, 'a handler failed');
      let result: unknown;
      try {
        result = handler(event);
      } catch (error) {
        failed(error);
        return;
      }
      if (isPromiseLike(result)) result.then(undefined, failed);
    });
  }

  get webhook(): { readonly url: string | null } | null {
    const transport = this.#webhook;
    return transport ? { get url() { return transport.url; } } : null;
  }

  start(options: StartOptions = {}): Promise<void> {
    return startDeadline(options, {
      start: () => {
        if (this.#startPromise) return this.#startPromise;
        if (this.#stopPromise) return Promise.reject(new QQBotError('STOPPED', 'This bot was stopped; create a new one'));
        this.#startPromise = this.#transport.start();
        return this.#startPromise;
      },
      giveUp: () => this.stop(),
      lastError: () => this.#lastError,
    });
  }

  stop(): Promise<void> {
    this.#stopPromise ??= this.#transport.stop();
    return this.#stopPromise;
  }

  getAccessToken(options: { forceRefresh?: boolean } = {}): Promise<Secret> {
    return this.#transport.getAccessToken(options);
  }

  /** Logs the error once (unless `log` is null: already logged where it arose) and puts it on `errors$`. */
  #report(error: QQBotError, message: string, log: Logger | null = this.#logger): void {
    if (this.#reportedErrors.has(error)) return;
    this.#reportedErrors.add(error);
    this.#lastError = error;
    if (log) {
      const entry = errorLogFields(error);
      if (error.fatal) log.error(entry, message);
      else log.warn(entry, message);
    }
    if (!this.#errors.closed) this.#errors.next(error);
  }

  #subscriberThrew(error: unknown, value: unknown, message = 'a subscriber threw'): void {
    const eventType = typeof value === 'object' && value !== null ? String((value as { type?: unknown }).type ?? '') || undefined : undefined;
    this.#report(new QQHandlerError(error, eventType), message);
  }

  #isolated(events: Observable<AnyBotEvent>): Observable<AnyBotEvent> {
    return new IsolatedObservable(events, (error, value) => this.#subscriberThrew(error, value));
  }

  #complete(): void {
    if (this.#events.completed) return;
    this.#events.complete();
    this.#errors.complete();
    this.#state.complete();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
