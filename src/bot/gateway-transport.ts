import type { Logger } from 'pino';
import { createActor, type AnyActorRef, type InspectionEvent, type Observer, type SnapshotFrom } from 'xstate';
import { gatewayDiscoveryActorId, shardActorId, shardIdOfActor, type BotActorRef, type BotEmitted } from '../../machines/bot.machine.js';
import type { GatewayDiscoveryEmitted } from '../../machines/gateway.machine.js';
import type { ShardActorRef } from '../../machines/shard.machine.js';
import { SystemId } from '../../machines/system-actors.js';
import { waitForToken, type TokenActorRef, type TokenEmitted } from '../../machines/token.machine.js';
import { QQBotError } from '../errors.js';
import { errorLogFields } from '../log.js';
import type { ResolvedOptions } from '../options.js';
import { createBotLogic } from '../runtime.js';
import { ScaleOut } from '../scaling/scale-out.js';
import type { Secret } from '../secret.js';
import { botStatusOf, idleBotState, ShardStates, tokenStatusOf, type BotState } from '../state.js';
import { asBotError, type BotTransport, type TransportHooks } from '../transport.js';
import { lineWanted, logBotEmitted, logShardEmitted, logTokenEmitted, shardLineLevel, tokenLineLevel, TransitionLog } from './log-lines.js';
import { ShardWatch, type ShardWatchHost } from './shard-watch.js';

/**
 * The gateway transport: the bot machine (token → gateway discovery → shards), its scale-out helpers
 * (docs/scaling.md), and the bridge from each shard's sequencer to `events$`. The bot machine's token
 * actor is the bot's one token owner.
 */
export class GatewayTransport implements BotTransport {
  readonly actor: BotActorRef;
  readonly #hooks: TransportHooks;
  readonly #logger: Logger;
  readonly #inspectObserver: ResolvedOptions['inspect'];
  readonly #attached = new Set<string>();
  #children: SnapshotFrom<BotActorRef>['children'] | null = null;
  readonly #shards = new ShardStates();
  readonly #transitions: TransitionLog;
  readonly #shardWatchHost: ShardWatchHost;
  readonly #scaleOut: ScaleOut;
  #last: BotState = idleBotState;
  #settling = false;
  #ended = false;
  #started = false;
  #rejectStart: ((error: QQBotError) => void) | null = null;

  constructor(options: ResolvedOptions, logger: Logger, hooks: TransportHooks) {
    this.#hooks = hooks;
    this.#logger = logger;
    this.#inspectObserver = options.inspect;
    this.#shardWatchHost = this.#makeShardWatchHost();
    this.#transitions = new TransitionLog(logger, (shardId) => (this.#shards.get(shardId) ? this.#shardLog(shardId) : undefined));
    this.#scaleOut = new ScaleOut(options, {
      logger,
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
      ...(options.inspect || logger.isLevelEnabled('debug') ? { inspect: (event: InspectionEvent) => this.#inspect(event) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.actor.on('*', (event) => this.#onBotEmitted(event as BotEmitted));
    this.actor.subscribe({
      next: (snapshot) => this.#onBotSnapshot(snapshot),
      error: (error) => this.#report(asBotError(error), 'bot machine error'),
      complete: () => {
        // A bot that failed also stores its sessions and gives its leases back.
        void this.#scaleOut.stop();
        this.#end();
      },
    });
  }

  get state(): BotState {
    return this.#shards.withLiveReadings(this.#last);
  }

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
      const subscription = this.actor.subscribe((snapshot) => {
        if (settle(snapshot)) cleanup();
      });
      const cleanup = () => {
        subscription.unsubscribe();
        this.#rejectStart = null;
      };
      this.#rejectStart = (error) => {
        cleanup();
        reject(error);
      };
      this.#started = true;
      this.#scaleOut.start();
      this.actor.start();
      this.actor.send({ type: 'START' });
      if (settle(this.actor.getSnapshot())) cleanup();
    });
  }

  stop(): Promise<void> {
    return new Promise<void>((resolve) => {
      const snapshot = this.actor.getSnapshot();
      if (!this.#started || snapshot.status !== 'active') {
        this.actor.stop();
        this.#end();
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
          this.#end();
          resolve();
        });
      };
      this.actor.send({ type: 'STOP' });
      if (this.actor.getSnapshot().status !== 'active') finish();
    });
  }

  getAccessToken(options: { forceRefresh?: boolean }): Promise<Secret> {
    const token = this.actor.system.get(SystemId.token) as TokenActorRef | undefined;
    if (!token) return Promise.reject(new QQBotError('STOPPED', 'The bot is not started'));
    return waitForToken(token, options);
  }

  #report(error: QQBotError, message: string, log?: Logger | null): void {
    this.#hooks.report(error, message, log);
    // A fatal error while starting ends the start, even before the bot machine settles.
    if (error.fatal && this.#last.status === 'starting') this.#rejectStart?.(error);
  }

  // ---- the machines' snapshots and emitted events ------------------------------------------

  #onBotSnapshot(snapshot: SnapshotFrom<BotActorRef>): void {
    // Children change only when the bot spawns or stops one: most steps (a shard's READY) leave them as they were.
    if (snapshot.children !== this.#children) {
      this.#children = snapshot.children;
      for (const id in snapshot.children) {
        const child = snapshot.children[id];
        if (!child || this.#attached.has(id)) continue;
        this.#attached.add(id);
        if (shardIdOfActor(id) !== undefined) this.#attachShard(child as ShardActorRef);
        else if (id === SystemId.token) this.#attachToken(child as TokenActorRef);
        else if (id === gatewayDiscoveryActorId) this.#attachDiscovery(child as AnyActorRef);
        else if (id === SystemId.identifyThrottle) this.#scaleOut.identifyThrottleStarted(child as AnyActorRef);
      }
    }
    this.#scaleOut.botChanged(snapshot);
    // A shard's own notification (SHARD.READY …) reaches the bot before the shard's observers hear of its new
    // snapshot. When that changes the bot's status, the shards are read again, so state$ never shows e.g. a
    // running bot beside a shard still identifying. Otherwise the shard's observer publishes its change right
    // after this step, and reading all shards on every step would cost O(shards) per READY.
    if (botStatusOf(snapshot) !== this.#last.status) this.#shards.reread();
    this.#publishState();
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
      this.#shards.reread();
      this.#publishState(true);
    });
  }

  #attachShard(shard: ShardActorRef): void {
    const shardId = shard.getSnapshot().context.shardId;
    this.#shards.add(shardId, shard);
    this.#scaleOut.shardStarted(shard);
    ShardWatch.attach(shard, this.#shardWatchHost);
  }

  /** For every shard's ShardWatch: made once, so that a shard's listeners hold no closures of their own. */
  #makeShardWatchHost(): ShardWatchHost {
    return {
      hooks: this.#hooks,
      logger: this.#logger,
      shardLog: (shardId) => this.#shardLog(shardId),
      changed: (shardId, snapshot) => {
        if (this.#shards.set(shardId, snapshot)) this.#publishState();
      },
      emitted: (shardId, event) => {
        if (event.type === 'shard.ready' || event.type === 'shard.resumed') this.#scaleOut.sessionStarted(shardId);
        // Every heartbeat ACK emits (trace level), every shard READY (info): no child logger for a line no one reads.
        if (!lineWanted(this.#logger, shardLineLevel(event))) return;
        logShardEmitted(this.#shardLog(shardId, this.#shards.get(shardId)?.state ?? null), event, (error, message, to) => this.#report(error, message, to));
      },
      failed: (shardId, error) => this.#report(asBotError(error), 'shard machine error', this.#shardLog(shardId)),
    };
  }

  /**
   * A shard's logger, made for the line at hand and not kept: shards log seldom (READY, a disconnect, an error), and a
   * pino child kept per shard is heap that a thousand idle shards pay for nothing (issue 20).
   */
  #shardLog(shardId: number, state?: string | null): Logger {
    return this.#logger.child(state === undefined ? { shard: shardId } : { shard: shardId, state });
  }

  #attachToken(token: TokenActorRef): void {
    let log: Logger | null = null;
    token.on('*', (emitted) => {
      if (!lineWanted(this.#logger, tokenLineLevel(emitted as TokenEmitted))) return;
      log ??= this.#logger.child({ machine: SystemId.token });
      logTokenEmitted(log, emitted as TokenEmitted, (error, message, to) => this.#report(error, message, to));
    });
    token.subscribe({ next: () => this.#publishState(), error: () => {} });
  }

  #attachDiscovery(discovery: AnyActorRef): void {
    discovery.on('*', (emitted: GatewayDiscoveryEmitted) => this.#report(emitted.error, 'gateway discovery error', this.#logger.child({ machine: gatewayDiscoveryActorId })));
  }

  /** Lease mode: a shard given back has stopped; it may come back later under the same actor id. */
  #onShardReleased(shardId: number): void {
    this.#attached.delete(shardActorId(shardId));
    if (this.#shards.get(shardId)) this.#shardLog(shardId).info('shard handed over');
    this.#shards.remove(shardId);
    this.#scaleOut.shardReleased(shardId);
    this.#publishState();
  }

  #onBotEmitted(event: BotEmitted): void {
    if (event.type === 'bot.shardReleased') this.#onShardReleased(event.shardId);
    else logBotEmitted(this.#logger, event, (error, message, to) => this.#report(error, message, to));
  }

  #inspect(event: InspectionEvent): void {
    this.#transitions.inspect(event);
    const user = this.#inspectObserver;
    if (!user) return;
    try {
      if (typeof user === 'function') user(event);
      else (user as Observer<InspectionEvent>).next?.(event);
    } catch (error) {
      this.#logger.warn(errorLogFields(error), 'the inspect observer threw');
    }
  }

  #publishState(settled = false): void {
    if (this.#ended) return;
    const snapshot = this.actor.getSnapshot();
    const status = botStatusOf(snapshot);
    if (!settled && (status === 'failed' || status === 'stopped') && this.#shards.anyReady()) {
      this.#publishWhenShardsSettle();
      return;
    }
    const token = this.actor.system.get(SystemId.token) as TokenActorRef | undefined;
    this.#last = {
      status,
      token: tokenStatusOf(token?.getSnapshot()),
      shards: this.#shards.list(),
      ...(this.#scaleOut.coordination ? { coordination: this.#scaleOut.coordination } : {}),
    };
    this.#hooks.publish(this.#last);
  }

  /** Publishes the final state, then ends the bot's streams. */
  #end(deferred = false): void {
    if (this.#ended) return;
    this.#shards.reread();
    // The final state goes out before the streams complete (see #publishWhenShardsSettle).
    if (!deferred && (this.#settling || this.#shards.anyReady())) {
      queueMicrotask(() => this.#end(true));
      return;
    }
    this.#shards.reread();
    this.#publishState(true);
    this.#ended = true;
    this.#hooks.ended();
  }
}
