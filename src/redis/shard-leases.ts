import { randomUUID } from 'node:crypto';
import type { LeaseRound, ShardLeases } from '../coordination.js';
import type { RedisClient } from './client.js';

export interface RedisShardLeasesOptions {
  /** Prefix of every key; the same for every process of one bot. Default `qq-bot-machine`. */
  keyPrefix?: string;
  /** How long a lease lasts without renewal: a dead process's shards move after about this long. Default 10 s. */
  leaseMs?: number;
}

/**
 * One round, atomically: the process's membership (a sorted set scored by expiry, Redis time), the
 * renewal of every lease it holds (taken again if it vanished), and which candidates are free.
 * Returns { members, status per held shard (1 kept, 2 reasserted, 0 lost), free candidates... }.
 * Keys are built from the prefix inside the script: one Redis (or one Cluster hash slot, with a
 * `{hash tag}` prefix), not keys spread over a Cluster.
 */
const roundScript = `
local me, leaseMs, prefix = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local heldCount = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + leaseMs, me)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = { redis.call('ZCARD', KEYS[1]) }
for i = 1, heldCount do
  local key = prefix .. ARGV[4 + i]
  local owner = redis.call('GET', key)
  if owner == me then
    redis.call('PEXPIRE', key, leaseMs)
    table.insert(out, 1)
  elseif owner == false then
    redis.call('SET', key, me, 'PX', leaseMs)
    table.insert(out, 2)
  else
    table.insert(out, 0)
  end
end
for i = 5 + heldCount, #ARGV do
  if redis.call('EXISTS', prefix .. ARGV[i]) == 0 then table.insert(out, tonumber(ARGV[i])) end
end
return out
`;

const claimScript = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') and 1 or 0`;
const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const leaveScript = `
redis.call('ZREM', KEYS[1], ARGV[1])
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`;

/**
 * Shard leases in Redis: key `<prefix>:lease:<shard>` names the process that runs the shard and
 * lapses `leaseMs` after its last renewal; `<prefix>:members` counts the live processes, so each
 * claims its fair share. A shard is claimed only after it was seen free in two rounds in a row, so
 * that after a Redis restart (every lease gone) the processes that ran the shards take them back first.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!);
 * const keyPrefix = `qq:${appId}`;
 * createBot({
 *   appId, secret, shards: 'auto',
 *   sessions: createRedisSessionStore(redis, { keyPrefix }),
 *   identifyCoordinator: createRedisIdentifyCoordinator(redis, { keyPrefix }),
 *   shardLeases: createRedisShardLeases(redis, { keyPrefix }),
 * });
 * ```
 */
export function createRedisShardLeases(redis: RedisClient, options: RedisShardLeasesOptions = {}): ShardLeases {
  const prefix = options.keyPrefix ?? 'qq-bot-machine';
  const leaseMs = options.leaseMs ?? 10_000;
  const me = randomUUID();
  const leasePrefix = `${prefix}:lease:`;
  const membersKey = `${prefix}:members`;
  /** Candidates seen free in the previous round. */
  let freeBefore = new Set<number>();
  return {
    leaseMs,
    renewIntervalMs: Math.max(100, Math.floor(leaseMs / 3)),
    async round({ held, candidates, total }): Promise<LeaseRound> {
      const others = candidates.filter((id) => !held.includes(id));
      const answer = (await redis.eval(roundScript, 1, membersKey, me, leaseMs, leasePrefix, held.length, ...held, ...others)) as number[];
      const members = Math.max(1, answer[0] ?? 1);
      const statuses = answer.slice(1, 1 + held.length);
      const free = answer.slice(1 + held.length);
      const lost = held.filter((_, i) => statuses[i] === 0);
      const reasserted = held.filter((_, i) => statuses[i] === 2);
      const kept = held.filter((_, i) => statuses[i] !== 0);
      const share = Math.ceil(total / members);
      const surplus = kept.length > share ? [...kept].sort((a, b) => b - a).slice(0, kept.length - share) : [];
      const claimed: number[] = [];
      for (const shard of free) {
        if (kept.length + claimed.length >= share) break;
        if (!freeBefore.has(shard)) continue;
        if ((await redis.eval(claimScript, 1, `${leasePrefix}${shard}`, me, leaseMs)) === 1) claimed.push(shard);
      }
      freeBefore = new Set(free.filter((shard) => !claimed.includes(shard)));
      return { lost, claimed, surplus, reasserted };
    },
    async release(shardId) {
      await redis.eval(releaseScript, 1, `${leasePrefix}${shardId}`, me);
    },
    async leave(held) {
      await redis.eval(leaveScript, 1 + held.length, membersKey, ...held.map((id) => `${leasePrefix}${id}`), me);
    },
  };
}
