import type { Logger } from 'pino';
import { createActor, fromPromise, toPromise, type AnyActorRef, type SnapshotFrom } from 'xstate';
import type { BotActorRef, BotInput } from '../../machines/bot.machine.js';
import type { IdentifyCoordinationEmitted } from '../../machines/identify-coordination.machine.js';
import { sessionFlushMachine, type SessionFlushActorRef } from '../../machines/session-flush.machine.js';
import { shardLeaseMachine, type ShardLeaseActorRef } from '../../machines/shard-lease.machine.js';
import type { ShardActorRef } from '../../machines/shard.machine.js';
import type { QQBotError } from '../errors.js';
import { LeaseKeeper } from '../leases/lease-keeper.js';
import type { ResolvedOptions } from '../options.js';
import type { RuntimeOptions } from '../runtime.js';
import { SessionKeeper } from '../sessions/keeper.js';
import type { BotState } from '../state.js';

interface ScaleOutParts {
  logger: Logger;
  /** The bot's root actor (created after this object). */
  bot: () => BotActorRef;
  report(error: QQBotError, message: string, log?: Logger): void;
  publishState(): void;
}

/**
 * What a bot needs beyond one process (docs/scaling.md), in one place so `src/bot.ts` only calls
 * hooks: the session store and its flush timer, the identify coordinator's availability, and the
 * shard leases with their timer. Every part is optional. Without a session store there is nothing
 * to write and no one to read it back (a bot starts once, and its shards resume from their own
 * sequencers), so there is no keeper and no flush actor: no timer, and no save every second.
 */
export class ScaleOut {
  readonly #options: ResolvedOptions;
  readonly #parts: ScaleOutParts;
  readonly #sessions: SessionKeeper | null = null;
  readonly #flush: SessionFlushActorRef | null = null;
  readonly #flushIntervalMs: number;
  /** Shards that became READY/RESUMED since the last save: a FLUSH.NOW writes these, not every shard. */
  readonly #startedShards = new Set<number>();
  #lastFullSave = Number.NEGATIVE_INFINITY;
  /** The machines' clock where it tells time (a SimulatedClock does), so tests on simulated time see the interval. */
  readonly #now: () => number;
  #flushDone: Promise<void> | null = null;
  readonly #leases: LeaseKeeper | null = null;
  readonly #leaseActor: ShardLeaseActorRef | null = null;
  #leaseDone: Promise<void> | null = null;
  /** Coordinators that cannot be reached now: state$ says 'unavailable' while any. */
  readonly #unavailable = new Set<'identify' | 'leases'>();

  constructor(options: ResolvedOptions, parts: ScaleOutParts) {
    this.#options = options;
    this.#parts = parts;
    const delays = { ...sessionFlushMachine.implementations.delays, ...options.timing.sessions };
    this.#flushIntervalMs = typeof delays.FLUSH_INTERVAL === 'number' ? delays.FLUSH_INTERVAL : 1_000;
    const telling = options.clock as { now?: unknown } | undefined;
    this.#now = typeof telling?.now === 'function' ? () => (telling.now as () => number)() : Date.now;
    const clock = options.clock ? { clock: options.clock } : {};
    // Shard leases need a store too (createBot() refuses them without one).
    if (!options.sessions) return;
    const sessions = new SessionKeeper(options.sessions, {
      onError: (error) => parts.report(error, 'session store error'),
    });
    this.#sessions = sessions;
    this.#flush = createActor(
      sessionFlushMachine.provide({ actors: { save: fromPromise(({ input }) => (input.final ? this.#saveAll() : this.#saveDue())) }, delays: { ...options.timing.sessions } }),
      clock,
    );
    if (options.shardLeases) {
      const leases = new LeaseKeeper(options.shardLeases, {
        bot: {
          shards: () => {
            const snapshot = parts.bot().getSnapshot();
            if (!snapshot.matches('active') || !snapshot.context.gateway) return null;
            return { candidates: snapshot.context.candidateShardIds, total: snapshot.context.shardCount };
          },
          add: (shardId, storedSession) => parts.bot().send({ type: 'SHARD.ADD', shardId, storedSession }),
          remove: (shardId) => parts.bot().send({ type: 'SHARD.REMOVE', shardId }),
        },
        sessions,
        onUnavailable: (error) => this.#setAvailability('leases', error),
        onAvailable: () => this.#setAvailability('leases', null),
      });
      this.#leases = leases;
      this.#leaseActor = createActor(
        shardLeaseMachine.provide({
          actors: { renew: fromPromise(() => leases.round()), leave: fromPromise(() => leases.leave()) },
          delays: { RENEW_INTERVAL: options.shardLeases.renewIntervalMs },
        }),
        clock,
      );
    }
  }

  /** For createBotLogic(). */
  get runtime(): Pick<RuntimeOptions, 'loadSessions' | 'identifyCoordinator'> {
    const sessions = this.#sessions;
    return {
      // Without a store the bot machine's own loadSessions finds nothing, at no cost.
      ...(sessions ? { loadSessions: ({ shardIds, shardCount }) => sessions.load(shardIds, shardCount) } : {}),
      ...(this.#options.identifyCoordinator ? { identifyCoordinator: this.#options.identifyCoordinator } : {}),
    };
  }

  /** For the bot machine's input. */
  get botInput(): Pick<BotInput, 'keepSessionsOnStop' | 'leased'> {
    return { keepSessionsOnStop: this.#options.sessions !== undefined, leased: this.#options.shardLeases !== undefined };
  }

  /** For state$: present only with a coordinator or leases. */
  get coordination(): BotState['coordination'] {
    if (!this.#options.identifyCoordinator && !this.#options.shardLeases) return undefined;
    return this.#unavailable.size > 0 ? 'unavailable' : 'available';
  }

  start(): void {
    this.#flush?.start();
  }

  /** Leases are taken once the gateway (the shard count) is known and the bot has joined. */
  botChanged(snapshot: SnapshotFrom<BotActorRef>): void {
    const actor = this.#leaseActor;
    if (!actor || this.#leaseDone || !snapshot.matches({ active: 'running' })) return;
    this.#leaseDone = toPromise(actor).then(
      () => undefined,
      () => undefined,
    );
    actor.start();
  }

  shardStarted(shard: ShardActorRef): void {
    this.#sessions?.track(shard);
  }

  /** READY or RESUMED: store the session now, not at the next interval (a crash right after loses nothing). */
  sessionStarted(shardId: number): void {
    if (!this.#flush) return;
    this.#startedShards.add(shardId);
    this.#flush.send({ type: 'FLUSH.NOW' });
  }

  /**
   * A save the flush machine asked for. After a FLUSH.NOW it writes the shards that started a session, so 1,000
   * shards becoming READY cost 1,000 writes rather than 1,000 scans of every shard; every shard is still looked at
   * at least once per flush interval (FLUSH.NOWs in a row postpone the interval's own save).
   */
  #saveDue(): Promise<void> {
    if (this.#startedShards.size > 0 && this.#now() - this.#lastFullSave < this.#flushIntervalMs) {
      const started = [...this.#startedShards];
      this.#startedShards.clear();
      return (this.#sessions as SessionKeeper).save(started);
    }
    return this.#saveAll();
  }

  #saveAll(): Promise<void> {
    this.#startedShards.clear();
    this.#lastFullSave = this.#now();
    return (this.#sessions as SessionKeeper).save();
  }

  identifyThrottleStarted(throttle: AnyActorRef): void {
    if (!this.#options.identifyCoordinator) return;
    const log = this.#parts.logger.child({ machine: 'identifyCoordination' });
    throttle.on('*', (emitted: IdentifyCoordinationEmitted) => {
      this.#setAvailability('identify', emitted.type === 'coordination.unavailable' ? emitted.error : null, log);
    });
  }

  /** A shard given back (lease surplus or lost) has stopped: store, then release its lease. */
  shardReleased(shardId: number): void {
    void this.#leases?.shardReleased(shardId);
  }

  /**
   * After the shards closed their sockets: the last flush (the last seq delivered), then the leases
   * go back so the other processes take the shards over. Idempotent.
   */
  async stop(): Promise<void> {
    await this.#stopFlush();
    await this.#stopLeases();
  }

  #stopFlush(): Promise<void> {
    if (this.#flushDone) return this.#flushDone;
    const flush = this.#flush;
    if (!flush || flush.getSnapshot().status !== 'active') return (this.#flushDone = Promise.resolve());
    this.#flushDone = toPromise(flush).then(
      () => undefined,
      () => undefined,
    );
    flush.send({ type: 'STOP' });
    return this.#flushDone;
  }

  #stopLeases(): Promise<void> {
    const actor = this.#leaseActor;
    if (!actor || !this.#leaseDone) return Promise.resolve();
    if (actor.getSnapshot().status === 'active') actor.send({ type: 'STOP' });
    return this.#leaseDone;
  }

  #setAvailability(which: 'identify' | 'leases', error: QQBotError | null, log: Logger = this.#parts.logger): void {
    const what = which === 'identify' ? 'identify coordination' : 'shard leases';
    if (error) {
      this.#unavailable.add(which);
      this.#parts.report(error, `${what} unavailable`, log);
    } else {
      this.#unavailable.delete(which);
      log.info(`${what} available again`);
    }
    this.#parts.publishState();
  }
}
