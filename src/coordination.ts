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
