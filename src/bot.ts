import type { Logger } from 'pino';
import { BehaviorSubject, distinctUntilChanged, filter, Observable, Subject } from './events/rx.js';
import { createActor, type AnyActorRef, type InspectionEvent, type Observer, type SnapshotFrom } from 'xstate';
import { shardActorId } from '../machines/bot.machine.js';
import { ScaleOut } from './scaling/scale-out.js';
import type { BotActorRef, BotEmitted } from '../machines/bot.machine.js';
import type { GatewayDiscoveryEmitted } from '../machines/gateway.machine.js';
import { describeCause, type ShardActorRef, type ShardEmitted } from '../machines/shard.machine.js';
import { SystemId } from '../machines/system-actors.js';
import { waitForToken, type TokenActorRef, type TokenEmitted } from '../machines/token.machine.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QQBotError, QQConfigError, QQHandlerError } from './errors.js';
import { WebhookTransport } from './webhook/bot-transport.js';
import { IsolatedObservable } from './events/isolated.js';
import { createDefaultLogger } from './log.js';
import { resolveOptions, type BotOptions, type ResolvedOptions } from './options.js';
import { DeliveredEvent, type ReplyServices } from './events/bot-event.js';
import type { AnyBotEvent, BotEvent } from './events/types.js';
import type { QQEventType } from './protocol/events.js';
import { createRestClient, type RestClient } from './rest/client.js';
import { createBotLogic } from './runtime.js';
import type { Secret } from './secret.js';
import { botStatusOf, dotted, shardStateOf, tokenStatusOf, type BotState, type ShardState } from './state.js';

/** A running QQ bot: its event streams, its state, and its lifecycle. */
export interface Bot {
  /** Every dispatch from every shard, in seq order per shard. Hot and shared. */
  readonly events$: IsolatedObservable<AnyBotEvent>;
  /** The typed REST client (auth from the token machine). See docs/rest.md. */
  readonly api: RestClient;
  /** The bot's and each shard's state, current value first. */
  readonly state$: Observable<BotState>;
  /** Typed errors, fatal and recoverable (including exceptions thrown by subscribers). */
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
   * ```
   */
  on<K extends QQEventType>(...types: [K, ...K[]]): IsolatedObservable<BotEvent<K>>;
  /** Connects every shard. Resolves when all are READY; rejects with a typed error on a fatal one. */
  start(): Promise<void>;
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
 * bot.on('C2C_MESSAGE_CREATE').subscribe((event) => console.log(event.data.content));
 * await bot.start();
 * ```
 */
export function createBot(options: BotOptions): Bot {
  const resolved = resolveOptions(options);
  return new BotRuntime(resolved);
}

class BotRuntime implements Bot {
  readonly actor: BotActorRef;
  readonly events$: IsolatedObservable<AnyBotEvent>;
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
  readonly #byType = new Map<string, IsolatedObservable<AnyBotEvent>>();
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
    const sink = (error: unknown, value: unknown) => this.#subscriberThrew(error, value);
    this.events$ = new IsolatedObservable(this.#events.asObservable(), sink);
    this.errors$ = new IsolatedObservable(this.#errors.asObservable(), (error) => {
      this.#logger.error({ err: describeError(error) }, 'an errors$ subscriber threw');
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
        onError: (error) => this.#report(error, 'webhook error'),
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

  on<K extends QQEventType>(...types: [K, ...K[]]): IsolatedObservable<BotEvent<K>> {
    const key = types.join(',');
    let stream = this.#byType.get(key);
    if (!stream) {
      const wanted = new Set<string>(types);
      stream = this.events$.pipe(filter((event) => wanted.has(event.type)));
      this.#byType.set(key, stream);
    }
    return stream as unknown as IsolatedObservable<BotEvent<K>>;
  }

  get webhook(): { readonly url: string | null } | null {
    const transport = this.#webhook;
    return transport ? { get url() { return transport.url; } } : null;
  }

  start(): Promise<void> {
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
    for (const [shardId, shard] of this.#shards) this.#shardStates.set(shardId, shardStateOf(shard.getSnapshot()));
    this.#publishState();
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

  #report(error: QQBotError, message: string, log: Logger = this.#logger): void {
    if (this.#reportedErrors.has(error)) return;
    this.#reportedErrors.add(error);
    const entry = { err: describeError(error) };
    if (error.fatal) log.error(entry, message);
    else log.warn(entry, message);
    if (!this.#errors.closed) this.#errors.next(error);
  }

  #subscriberThrew(error: unknown, value: unknown): void {
    const eventType = typeof value === 'object' && value !== null ? String((value as { type?: unknown }).type ?? '') || undefined : undefined;
    this.#report(new QQHandlerError(error, eventType), 'a subscriber threw');
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
      this.#logger.warn({ err: describeError(error) }, 'the inspect observer threw');
    }
  }

  #setWebhookStatus(status: BotState['status']): void {
    this.#webhookStatus = status;
    this.#publishState();
  }

  #publishState(): void {
    if (this.#state.closed) return;
    if (this.#webhook) {
      this.#state.next({ status: this.#webhookStatus, token: tokenStatusOf(this.#webhook.token.getSnapshot()), shards: [] });
      return;
    }
    const snapshot = this.actor.getSnapshot();
    const token = this.actor.system.get(SystemId.token) as TokenActorRef | undefined;
    this.#state.next({
      status: botStatusOf(snapshot),
      token: tokenStatusOf(token?.getSnapshot()),
      shards: [...this.#shardStates.values()].sort((a, b) => a.id - b.id),
      ...(this.#scaleOut.coordination ? { coordination: this.#scaleOut.coordination } : {}),
    });
  }

  #complete(): void {
    if (this.#events.closed) return;
    this.#publishState();
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

function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof QQBotError) return { type: error.name, code: error.code, message: error.message, fatal: error.fatal };
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { message: String(error) };
}

function asBotError(error: unknown): QQBotError {
  return error instanceof QQBotError ? error : new QQBotError('PROTOCOL', error instanceof Error ? error.message : String(error), { cause: error });
}
