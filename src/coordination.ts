/**
 * What several processes of one bot share, as interfaces the core knows; `qq-bot-machine/redis`
 * implements them on Redis (docs/scaling.md).
 */
import type { IdentifyVerdict, SlotRequest } from '../machines/identify-coordination.machine.js';

export type { IdentifyVerdict, SlotRequest };

/**
 * Cluster-wide IDENTIFY pacing: one IDENTIFY per `max_concurrency` bucket per 5 s window across every
 * process, and the `session_start_limit` budget shared by all. `acquire` rejects when the coordinator
 * cannot answer (the identify then waits and asks again; running shards are not affected).
 *
 * @example
 * ```ts
 * import { createRedisIdentifyCoordinator } from 'qq-bot-machine/redis';
 * createBot({ appId, secret, shards: { ids: [0, 1], total: 4 }, identifyCoordinator: createRedisIdentifyCoordinator(redis, { keyPrefix: `qq:${appId}` }) });
 * ```
 */
export interface IdentifyCoordinator {
  /** Takes the bucket's window and one session start, or says why not. */
  acquire(request: SlotRequest): Promise<IdentifyVerdict>;
  /** The IDENTIFY was sent: the bucket's window restarts from now. */
  identifySent(request: SlotRequest): Promise<void>;
}

/** What one lease round decided for this process. */
export interface LeaseRound {
  /** Shards this process held and another process holds now: stop them at once. */
  lost: number[];
  /** Shards this process has just claimed: start them, RESUMEing their stored sessions. */
  claimed: number[];
  /** Shards this process holds beyond its fair share: give them back (stop, store, release). */
  surplus: number[];
  /** Leases this process held that had vanished (a Redis that lost its data) and were taken again. */
  reasserted: number[];
}

/**
 * Shard ownership across processes by lease: each process claims free shards up to its fair share
 * (total ÷ live processes, rounded up), renews what it holds, and gives back the surplus when a
 * process joins. A process that dies stops renewing; its leases lapse and the others claim its
 * shards. `qq-bot-machine/redis` has `createRedisShardLeases()`.
 */
export interface ShardLeases {
  /** How long a lease lasts without renewal, ms. */
  readonly leaseMs: number;
  /** How often a process renews (well under `leaseMs`). */
  readonly renewIntervalMs: number;
  /** One round: renew, count the processes, claim or shed. Rejects when the coordinator is unreachable. */
  round(state: { held: readonly number[]; candidates: readonly number[]; total: number }): Promise<LeaseRound>;
  /** Gives one lease back (after its shard stopped and its session was stored). */
  release(shardId: number): Promise<void>;
  /** Gives every lease back and leaves the group (graceful stop). */
  leave(held: readonly number[]): Promise<void>;
}
