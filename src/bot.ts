import type { Logger } from 'pino';
import { BehaviorSubject, distinctUntilChanged, filter, Observable, Subject } from './events/rx.js';
import { createActor, type AnyActorRef, type InspectionEvent, type Observer, type SnapshotFrom } from 'xstate';
import { shardActorId } from '../machines/bot.machine.js';
import { ScaleOut } from './scaling/scale-out.js';
import type { BotActorRef, BotEmitted } from '../machines/bot.machine.js';
import type { GatewayDiscoveryEmitted } from '../machines/gateway.machine.js';
import { describeCause } from '../machines/reconnect-policy.js';
import type { ShardActorRef, ShardEmitted } from '../machines/shard.machine.js';
import { SystemId } from '../machines/system-actors.js';
import { waitForToken, type TokenActorRef, type TokenEmitted } from '../machines/token.machine.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { QQBotError, QQConfigError, QQHandlerError } from './errors.js';
import { startDeadline, type StartOptions } from './start-options.js';
import { createIntentCheck } from './events/intent-check.js';
import { WebhookTransport } from './webhook/bot-transport.js';
import { QQWebhookError } from './webhook/errors.js';
import { IsolatedObservable } from './events/isolated.js';
import { createDefaultLogger, errorLogFields } from './log.js';
import { resolveOptions, type BotOptions, type ResolvedOptions } from './options.js';
import { DeliveredEvent, type ReplyServices } from './events/bot-event.js';
import type { AnyBotEvent, BotEvent, BotEventHandler } from './events/types.js';
import type { QQEventType } from './protocol/events.js';
import { createRestClient, type RestClient } from './rest/client.js';
import { createBotLogic } from './runtime.js';
import type { Secret } from './secret.js';
import { botStatusOf, dotted, shardStateOf, tokenStatusOf, type BotState, type ShardState } from './state.js';

/** A running QQ bot: its event streams, its state, and its lifecycle. */
export interface Bot {
  /** Every dispatch from every shard, in seq order per shard. Hot and shared; a subscriber that throws cannot hurt the others. */
  readonly events$: Observable<AnyBotEvent>;
  /** The typed REST client (auth from the token machine). See docs/rest.md. */
  readonly api: RestClient;
  /** The bot's and each shard's state, current value first. */
  readonly state$: Observable<BotState>;
  /**
   * Typed errors: fatal failures, failed attempts the bot retries (token endpoint, gateway discovery,
   * timeouts, refused identifies, malformed frames), handlers and subscribers that threw or rejected,
   * refused webhook requests. Disconnects the bot recovers from by design are state, not errors:
   * `state$` (`lastDisconnect`, `reconnects`) and a `warn` log line. See docs/api.md § errors$.
   */
  readonly errors$: Observable<QQBotError>;
  /** The current state. */
  readonly state: BotState;
  /** The root XState actor, for inspection and advanced use. */
  readonly actor: BotActorRef;
  /**
   * The events of the given type(s), with typed data.
   *
   * @example
   * ```ts
   * bot.on('C2C_MESSAGE_CREATE').subscribe((event) => console.log(event.data.author.user_openid, event.data.content));
   * bot.on('FRIEND_ADD', 'GROUP_ADD_ROBOT').subscribe((event) => {
   *   if (event.type === 'FRIEND_ADD') console.log(event.data.openid); // narrowed on type
   * });
   * ```
   * A type the configured intents can never deliver logs a warning naming the intent to add.
   */
  on<K extends QQEventType>(...types: [K, ...K[]]): Observable<BotEvent<K>>;
  /**
   * Runs `handler` for every event of the given type(s). The handler may be `async`: whatever it
   * throws or rejects with (a refused `reply()`, a bug) goes to `errors$` as a `QQHandlerError`
   * (`cause` = what was thrown) and to the log, never to an unhandled rejection. Returns the
   * subscription; `stop()` ends it too.
   *
   * @example
   * ```ts
   * bot.handle('C2C_MESSAGE_CREATE', async (event) => {
   *   await event.reply(`you said: ${event.data.content}`);
   * });
   * bot.handle(['FRIEND_ADD', 'GROUP_ADD_ROBOT'], (event) => event.reply('hello'));
   * ```
   */
  handle<K extends QQEventType>(types: K | readonly [K, ...K[]], handler: BotEventHandler<K>): Subscription;
  /**
   * Connects every shard. Resolves when all are READY; rejects with a typed error on a fatal one.
   * With `timeoutMs` or `signal`, a start that has not finished in time (or is aborted) stops the
   * bot and rejects with a `QQTimeoutError` / `QQBotError('STOPPED')` whose `cause` is the last error
   * seen (e.g. the gateway discovery failure that kept it from connecting).
   *
   * @example
   * ```ts
   * await bot.start({ timeoutMs: 30_000 });
   * ```
   */
  start(options?: StartOptions): Promise<void>;
  /** Closes every socket with 1000 (4000 with a session store, after storing the sessions), cancels every timer, completes the streams. */
  stop(): Promise<void>;
  /** A valid access token (for REST calls), refreshed by the token machine. */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<Secret>;
  /** Webhook transport only: the URL of the bot's own callback server (null when mounted elsewhere). */
  readonly webhook: { readonly url: string | null } | null;
}

const webhookTransports = new WeakMap<Bot, WebhookTransport>();

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

class BotRuntime implements Bot {
  readonly actor: BotActorRef;
  readonly events$: Observable<AnyBotEvent>;
  readonly state$: Observable<BotState>;
  readonly errors$: Observable<QQBotError>;
  readonly api: RestClient;

  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  readonly #events = new Subject<AnyBotEvent>();
  readonly #errors = new Subject<QQBotError>();
  readonly #state: BehaviorSubject<BotState>;
  readonly #attached = new Set<string>();
  readonly #shardStates = new Map<number, ShardState>();
  readonly #shards = new Map<number, ShardActorRef>();
  readonly #shardLoggers = new Map<number, Logger>();
  readonly #lastValues = new Map<string, string>();
  readonly #reportedErrors = new WeakSet<object>();
  readonly #byType = new Map<string, Observable<AnyBotEvent>>();
  readonly #intentCheck: (types: readonly string[]) => void;
  #lastError: QQBotError | null = null;
  #settling = false;
  readonly #replyServices: ReplyServices;
  readonly #webhook: WebhookTransport | null = null;
  #webhookStatus: BotState['status'] = 'idle';
  #startPromise: Promise<void> | null = null;
  #stopPromise: Promise<void> | null = null;
  /** Session store, identify coordination, shard leases (docs/scaling.md). */
  readonly #scaleOut: ScaleOut;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#logger = options.logger ?? createDefaultLogger();
    for (const warning of options.warnings) this.#logger.warn(warning);
    this.#intentCheck = createIntentCheck(options.transport === 'webhook' ? null : options.intents, (warning) => this.#logger.warn(warning));
    const sink = (error: unknown, value: unknown) => this.#subscriberThrew(error, value);
    this.events$ = new IsolatedObservable(this.#events.asObservable(), sink);
    this.errors$ = new IsolatedObservable(this.#errors.asObservable(), (error) => {
      this.#logger.error(errorLogFields(error), 'an errors$ subscriber threw');
    });
    this.#state = new BehaviorSubject<BotState>({ status: 'idle', token: 'none', shards: [] });
    this.state$ = new IsolatedObservable(
      this.#state.pipe(distinctUntilChanged((a, b) => stateKey(a) === stateKey(b))),
      (error) => this.#subscriberThrew(error, undefined),
    );

    this.api = createRestClient({
      apiBase: options.apiBase,
      appId: options.appId,
      getToken: (request) => this.getAccessToken(request),
      logger: this.#logger.child({ component: 'rest' }),
      ...(options.timing.http?.restMs !== undefined ? { timeoutMs: options.timing.http.restMs } : {}),
    });
    this.#replyServices = { api: this.api, now: () => Date.now() };

    if (options.transport === 'webhook') {
      this.#webhook = new WebhookTransport(options, this.#logger, {
        onEvent: (event) => this.#events.next(new DeliveredEvent(event.type, event.id, null, 0, event.data, this.#replyServices) as unknown as AnyBotEvent),
        // The receiver logs each rejected request itself (one line per request): errors$ only.
        onError: (error) => this.#report(error, 'webhook error', error instanceof QQWebhookError ? null : this.#logger),
      });
      webhookTransports.set(this, this.#webhook);
    }

    this.#scaleOut = new ScaleOut(options, {
      logger: this.#logger,
      bot: () => this.actor,
      report: (error, message, log) => this.#report(error, message, log),
      publishState: () => this.#publishState(),
    });
    const logic = createBotLogic({
      appId: options.appId,
      secret: options.secret,
      tokenUrl: options.tokenUrl,
      apiBase: options.apiBase,
      timing: options.timing,
      ...this.#scaleOut.runtime,
    });
    this.actor = createActor(logic, {
      systemId: SystemId.bot,
      input: {
        intents: options.intents,
        shards: options.shards,
        gatewayUrl: options.gatewayUrl,
        maxSessionAgeMs: options.maxSessionAgeMs,
        ...this.#scaleOut.botInput,
      },
      // Inspection allocates an event per microstep; only pay for it when someone looks.
      ...(options.inspect || this.#logger.isLevelEnabled('debug') ? { inspect: (event: InspectionEvent) => this.#inspect(event) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.actor.on('*', (event) => this.#onBotEmitted(event as BotEmitted));
    this.actor.subscribe({
      next: (snapshot) => this.#onBotSnapshot(snapshot),
      error: (error) => this.#report(asBotError(error), 'bot machine error'),
      complete: () => {
        // A bot that failed also stores its sessions and gives its leases back.
        void this.#scaleOut.stop();
        this.#complete();
      },
    });
  }

  get state(): BotState {
    const state = this.#state.getValue();
    // seq is read live: state$ does not emit for it.
    return { ...state, shards: state.shards.map((shard) => ({ ...shard, seq: this.#shards.get(shard.id)?.getSnapshot().context.dispatches.seq ?? shard.seq })) };
  }

  on<K extends QQEventType>(...types: [K, ...K[]]): Observable<BotEvent<K>> {
    this.#intentCheck(types);
    const key = types.join(',');
    let stream = this.#byType.get(key);
    if (!stream) {
      const wanted = new Set<string>(types);
      stream = this.events$.pipe(filter((event) => wanted.has(event.type)));
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
      start: () => this.#startOnce(),
      giveUp: () => this.stop(),
      lastError: () => this.#lastError,
    });
  }

  #startOnce(): Promise<void> {
    if (this.#startPromise) return this.#startPromise;
    if (this.#stopPromise) return Promise.reject(new QQBotError('STOPPED', 'This bot was stopped; create a new one'));
    if (this.#webhook) {
      this.#setWebhookStatus('starting');
      this.#startPromise = this.#webhook.start().then(
        () => this.#setWebhookStatus('running'),
        (error: unknown) => {
          this.#setWebhookStatus('failed');
          const failure = asBotError(error);
          this.#report(failure, 'webhook transport failed to start');
          throw failure;
        },
      );
      return this.#startPromise;
    }
    this.#startPromise = new Promise<void>((resolve, reject) => {
      const settle = (snapshot: SnapshotFrom<BotActorRef>): boolean => {
        if (snapshot.matches({ active: 'running' })) {
          resolve();
          return true;
        }
        if (snapshot.matches('failed') || snapshot.status === 'error') {
          reject(snapshot.context.error ?? new QQBotError('GATEWAY_CLOSED', 'The bot failed to start', { fatal: true }));
          return true;
        }
        if (snapshot.matches('stopped') || snapshot.matches('stopping')) {
          reject(new QQBotError('STOPPED', 'The bot was stopped before it was ready'));
          return true;
        }
        return false;
      };
      const fatalDuringStart = this.#errors.subscribe((error) => {
        if (error.fatal && this.state.status === 'starting') {
          cleanup();
          reject(error);
        }
      });
      const subscription = this.actor.subscribe((snapshot) => {
        if (settle(snapshot)) cleanup();
      });
      const cleanup = () => {
        subscription.unsubscribe();
        fatalDuringStart.unsubscribe();
      };
      this.#scaleOut.start();
      this.actor.start();
      this.actor.send({ type: 'START' });
      if (settle(this.actor.getSnapshot())) cleanup();
    });
    return this.#startPromise;
  }

  stop(): Promise<void> {
    if (this.#stopPromise) return this.#stopPromise;
    if (this.#webhook) {
      const transport = this.#webhook;
      this.#stopPromise = transport.stop().then(() => {
        if (this.#webhookStatus !== 'failed') this.#setWebhookStatus('stopped');
        this.#complete();
      });
      return this.#stopPromise;
    }
    this.#stopPromise = new Promise<void>((resolve) => {
      const snapshot = this.actor.getSnapshot();
      if (!this.#startPromise || snapshot.status !== 'active') {
        this.actor.stop();
        this.#complete();
        resolve();
        return;
      }
      const subscription = this.actor.subscribe({
        next: (next) => {
          if (next.status !== 'active') finish();
        },
        complete: () => finish(),
      });
      const finish = () => {
        subscription.unsubscribe();
        this.actor.stop();
        // The sockets are closed: the last flush writes the last seq delivered.
        void this.#scaleOut.stop().then(() => {
          this.#complete();
          resolve();
        });
      };
      this.actor.send({ type: 'STOP' });
      if (this.actor.getSnapshot().status !== 'active') finish();
    });
    return this.#stopPromise;
  }

  getAccessToken(options: { forceRefresh?: boolean } = {}): Promise<Secret> {
    if (this.#webhook) return this.#webhook.getAccessToken(options);
    const token = this.actor.system.get(SystemId.token) as TokenActorRef | undefined;
    if (!token) return Promise.reject(new QQBotError('STOPPED', 'The bot is not started'));
    return waitForToken(token, options);
  }

  // ---- wiring machines to streams and logs -------------------------------------------------

  #onBotSnapshot(snapshot: SnapshotFrom<BotActorRef>): void {
    for (const [id, child] of Object.entries(snapshot.children)) {
      if (!child || this.#attached.has(id)) continue;
      this.#attached.add(id);
      if (id.startsWith('shard-')) this.#attachShard(child as ShardActorRef);
      else if (id === SystemId.token) this.#attachToken(child as TokenActorRef);
      else if (id === 'gatewayDiscovery') this.#attachDiscovery(child as AnyActorRef);
      else if (id === SystemId.identifyThrottle) this.#scaleOut.identifyThrottleStarted(child as AnyActorRef, this.#logger.child({ machine: 'identifyCoordination' }));
    }
    this.#scaleOut.botChanged(snapshot);
    // A shard's own notification can reach the bot before the shard's observers hear of it, so
    // every bot step re-reads the shards.
    this.#rereadShards();
    this.#publishState();
  }

  #rereadShards(): void {
    for (const [shardId, shard] of this.#shards) this.#shardStates.set(shardId, shardStateOf(shard.getSnapshot()));
  }

  /**
   * A shard tells the bot it failed (close 4914) in the middle of its own transition: XState delivers
   * the event to the parent at once, and the shard's snapshot changes only when its transition ends.
   * So a final bot status is published a microtask later, with the shards re-read then; otherwise
   * state$ would show a failed bot whose shard is still `session.ready`.
   */
  #publishWhenShardsSettle(): void {
    if (this.#settling) return;
    this.#settling = true;
    queueMicrotask(() => {
      this.#settling = false;
      this.#rereadShards();
      this.#publishState(true);
    });
  }

  #attachShard(shard: ShardActorRef): void {
    const shardId = shard.getSnapshot().context.shardId;
    this.#shards.set(shardId, shard);
    this.#scaleOut.shardStarted(shard);
    const log = this.#logger.child({ shard: shardId });
    this.#shardLoggers.set(shardId, log);
    // The hot path: the shard's sequencer calls this for every dispatch, in order, once each.
    shard.getSnapshot().context.dispatches.subscribe({
      dispatch: (dispatch) => {
        this.#events.next(new DeliveredEvent(dispatch.eventType, dispatch.id, dispatch.seq, shardId, dispatch.data, this.#replyServices) as unknown as AnyBotEvent);
      },
      duplicate: (dispatch) => log.debug({ seq: dispatch.seq, id: dispatch.id }, 'dropped a duplicate dispatch'),
    });
    shard.on('*', (emitted) => {
      this.#onShardEmitted(log.child({ state: this.#shardStates.get(shardId)?.state ?? null }), emitted as ShardEmitted);
    });
    let previous = shard.getSnapshot();
    shard.subscribe({
      next: (snapshot) => {
        if (!shardChanged(previous, snapshot)) return;
        previous = snapshot;
        this.#shardStates.set(shardId, shardStateOf(snapshot));
        this.#publishState();
      },
      error: (error) => this.#report(asBotError(error), 'shard machine error', log),
      // A shard in a final state completes without another `next`: publish its last snapshot.
      complete: () => {
        this.#shardStates.set(shardId, shardStateOf(shard.getSnapshot()));
        this.#publishState();
      },
    });
    this.#shardStates.set(shardId, shardStateOf(shard.getSnapshot()));
  }

  #onShardEmitted(log: Logger, emitted: ShardEmitted): void {
    switch (emitted.type) {
      case 'shard.ready':
        log.info({ sessionId: emitted.sessionId, user: emitted.user.username }, 'READY');
        this.#scaleOut.sessionStarted();
        return;
      case 'shard.resumed':
        log.info({ sessionId: emitted.sessionId }, 'RESUMED');
        this.#scaleOut.sessionStarted();
        return;
      case 'shard.disconnected': {
        const fatal = emitted.plan.step === 'fatal' || emitted.plan.step === 'fatal-bot';
        const entry = {
          cause: describeCause(emitted.cause),
          ...(emitted.cause.kind === 'close' ? { closeCode: emitted.cause.code } : {}),
          decision: emitted.plan.step,
        };
        if (fatal) log.error(entry, 'disconnected: giving up');
        else log.warn(entry, `disconnected: will ${emitted.plan.step === 'resume' ? 'resume' : emitted.plan.step === 'identify' ? 'identify afresh' : emitted.plan.step}`);
        return;
      }
      case 'shard.heartbeat':
        log.trace({ latencyMs: emitted.latencyMs }, 'heartbeat ACK');
        return;
      case 'shard.error':
        this.#report(emitted.error, emitted.error.fatal ? 'shard failed' : 'shard error', log);
        return;
    }
  }

  #attachToken(token: TokenActorRef): void {
    const log = this.#logger.child({ machine: 'token' });
    token.on('*', (emitted) => {
      const event = emitted as TokenEmitted;
      if (event.type === 'token.issued') log.info({ expiresInSeconds: event.expiresInSeconds, renewed: event.renewed }, 'access token issued');
      else if (event.type === 'token.expired') log.warn('access token expired before a new one arrived');
      else this.#report(event.error, 'token endpoint error', log);
    });
    token.subscribe({ next: () => this.#publishState(), error: () => {} });
  }

  #attachDiscovery(discovery: AnyActorRef): void {
    const log = this.#logger.child({ machine: 'gatewayDiscovery' });
    discovery.on('*', (emitted: GatewayDiscoveryEmitted) => this.#report(emitted.error, 'gateway discovery error', log));
  }

  /** Lease mode: a shard given back has stopped; it may come back later under the same actor id. */
  #onShardReleased(shardId: number): void {
    this.#attached.delete(shardActorId(shardId));
    this.#shards.delete(shardId);
    this.#shardStates.delete(shardId);
    this.#shardLoggers.get(shardId)?.info('shard handed over');
    this.#shardLoggers.delete(shardId);
    this.#scaleOut.shardReleased(shardId);
    this.#publishState();
  }

  #onBotEmitted(event: BotEmitted): void {
    if (event.type === 'bot.shardReleased') {
      this.#onShardReleased(event.shardId);
      return;
    }
    if (event.type === 'bot.gateway') {
      this.#logger.info(
        { url: event.gateway.url, source: event.gateway.source, shards: event.shardIds, shardCount: event.shardCount, sessionStartLimit: event.gateway.sessionStartLimit },
        'gateway discovered',
      );
    } else {
      this.#report(event.error, event.type === 'bot.failed' ? 'bot failed' : 'bot error');
    }
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

  #inspect(event: InspectionEvent): void {
    if (event.type === '@xstate.snapshot' && this.#logger.isLevelEnabled('debug')) {
      const actorId = (event.actorRef as unknown as { id: string }).id;
      const value = (event.snapshot as { value?: unknown }).value;
      if (value !== undefined) {
        const now = actorId.startsWith('shard-') ? dotted((value as { connection?: unknown }).connection) : dotted(value);
        const before = this.#lastValues.get(actorId);
        if (before !== now) {
          this.#lastValues.set(actorId, now);
          const shardId = actorId.startsWith('shard-') ? Number(actorId.slice('shard-'.length)) : undefined;
          const log = (shardId !== undefined ? this.#shardLoggers.get(shardId) : undefined) ?? this.#logger;
          log.debug({ machine: actorId, from: before ?? null, to: now, state: now, cause: event.event.type }, `${actorId}: ${before ?? '∅'} → ${now}`);
        }
      }
    }
    const user = this.#options.inspect;
    if (!user) return;
    try {
      if (typeof user === 'function') user(event);
      else (user as Observer<InspectionEvent>).next?.(event);
    } catch (error) {
      this.#logger.warn(errorLogFields(error), 'the inspect observer threw');
    }
  }

  #setWebhookStatus(status: BotState['status']): void {
    this.#webhookStatus = status;
    this.#publishState();
  }

  #publishState(settled = false): void {
    if (this.#state.closed) return;
    if (this.#webhook) {
      this.#state.next({ status: this.#webhookStatus, token: tokenStatusOf(this.#webhook.token.getSnapshot()), shards: [] });
      return;
    }
    const snapshot = this.actor.getSnapshot();
    const status = botStatusOf(snapshot);
    if (!settled && (status === 'failed' || status === 'stopped') && [...this.#shardStates.values()].some((shard) => shard.ready)) {
      this.#publishWhenShardsSettle();
      return;
    }
    const token = this.actor.system.get(SystemId.token) as TokenActorRef | undefined;
    this.#state.next({
      status,
      token: tokenStatusOf(token?.getSnapshot()),
      shards: [...this.#shardStates.values()].sort((a, b) => a.id - b.id),
      ...(this.#scaleOut.coordination ? { coordination: this.#scaleOut.coordination } : {}),
    });
  }

  #complete(deferred = false): void {
    if (this.#events.closed) return;
    if (!this.#webhook) this.#rereadShards();
    // The final state goes out before the streams complete (see #publishWhenShardsSettle).
    if (!deferred && (this.#settling || [...this.#shardStates.values()].some((shard) => shard.ready))) {
      queueMicrotask(() => this.#complete(true));
      return;
    }
    if (!this.#webhook) this.#rereadShards();
    this.#publishState(true);
    this.#events.complete();
    this.#errors.complete();
    this.#state.complete();
  }
}

function shardChanged(before: SnapshotFrom<ShardActorRef>, after: SnapshotFrom<ShardActorRef>): boolean {
  if (before.value !== after.value || before.status !== after.status) return true;
  const a = before.context;
  const b = after.context;
  return (
    a.sessionId !== b.sessionId ||
    a.heartbeatLatencyMs !== b.heartbeatLatencyMs ||
    a.reconnects !== b.reconnects ||
    a.error !== b.error ||
    a.lastCause !== b.lastCause
  );
}

/** What makes two states worth a new emission: everything but the seq, which moves with every event. */
function stateKey(state: BotState): string {
  return JSON.stringify([state.status, state.token, state.coordination ?? null, state.shards.map((s) => ({ ...s, seq: null }))]);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function asBotError(error: unknown): QQBotError {
  return error instanceof QQBotError ? error : new QQBotError('PROTOCOL', error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * The root actors of a bot, for the inspector (src/inspector/): the bot machine, or a webhook
 * bot's own token and webhook actors. Not part of the public barrel.
 */
export function rootActorsOf(bot: Bot): AnyActorRef[] {
  const transport = webhookTransports.get(bot);
  return transport ? [transport.token as AnyActorRef, transport.receiver.actor as AnyActorRef] : [bot.actor as AnyActorRef];
}
