import { randomUUID } from 'node:crypto';
import type { IdentifyCoordinator, IdentifyVerdict, SlotRequest } from '../coordination.js';
import type { RedisClient } from './client.js';

export interface RedisIdentifyCoordinatorOptions {
  /** Prefix of every key; the same for every process of one bot. Default `qq-bot-machine`. */
  keyPrefix?: string;
}

/**
 * Atomically: the bucket must be free (no key), the shared budget is seeded from the caller's view of
 * `session_start_limit` if Redis does not know it (first process, or a Redis that lost its data), and
 * must have a start left; then the bucket is taken for one window and the budget decremented.
 * Returns {1, left} granted, {0, pttl} bucket busy, {2, pttl} budget spent.
 */
const acquireScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('PTTL', KEYS[1])}
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4], 'NX')
local left = tonumber(redis.call('GET', KEYS[2]))
if left == nil or left <= 0 then
  return {2, redis.call('PTTL', KEYS[2])}
end
redis.call('DECR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, left - 1}
`;

/**
 * IDENTIFY pacing and the session budget shared through Redis by every process of a bot: key
 * `<prefix>:identify:bucket:<n>` holds a bucket for one window, `<prefix>:identify:budget` counts the
 * session starts left (expiring at `reset_after`).
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!);
 * createBot({ appId, secret, shards: { ids: [0, 1], total: 6 }, identifyCoordinator: createRedisIdentifyCoordinator(redis, { keyPrefix: `qq:${appId}` }) });
 * ```
 */
export function createRedisIdentifyCoordinator(redis: RedisClient, options: RedisIdentifyCoordinatorOptions = {}): IdentifyCoordinator {
  const prefix = options.keyPrefix ?? 'qq-bot-machine';
  const owner = randomUUID();
  const bucketKey = (bucket: number) => `${prefix}:identify:bucket:${bucket}`;
  const budgetKey = `${prefix}:identify:budget`;
  return {
    async acquire(request: SlotRequest): Promise<IdentifyVerdict> {
      const answer = (await redis.eval(
        acquireScript,
        2,
        bucketKey(request.bucket),
        budgetKey,
        owner,
        Math.ceil(request.windowMs),
        Math.max(0, Math.floor(request.remaining)),
        Math.max(1_000, Math.min(Math.ceil(request.resetAfterMs), 86_400_000)),
      )) as [number, number];
      const [verdict, value] = answer;
      if (verdict === 1) return { granted: true };
      if (verdict === 0) return { granted: false, reason: 'bucket-busy', retryAfterMs: value > 0 ? value : request.windowMs };
      return {
        granted: false,
        reason: 'budget-exhausted',
        message: `session_start_limit exhausted across all processes of this bot; the shared budget resets in about ${Math.ceil(Math.max(0, value) / 60_000)} min`,
      };
    },
    async identifySent(request: SlotRequest): Promise<void> {
      await redis.set(bucketKey(request.bucket), owner, 'PX', Math.ceil(request.windowMs));
    },
  };
}
