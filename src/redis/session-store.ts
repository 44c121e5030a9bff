import { defaultSessionTtlMs, isStoredSession, type SessionStore, type StoredSession } from '../sessions/store.js';
import type { RedisClient } from './client.js';

export interface RedisSessionStoreOptions {
  /** Prefix of every key: one per bot (AppID) sharing a Redis, the same in all its processes. Default `qq-bot-machine`. */
  keyPrefix?: string;
  /** A record expires this long after its last write (Redis `PX`). Default 10 min. */
  ttlMs?: number;
}

/**
 * Sessions in Redis, shared by every process of a bot: one key per shard
 * (`<keyPrefix>:session:<shard>`, JSON, expiring `ttlMs` after the last write), so a shard that
 * moves to another process or host RESUMEs there.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createBot } from 'qq-bot-machine';
 * import { createRedisSessionStore } from 'qq-bot-machine/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const bot = createBot({ appId, secret, sessions: createRedisSessionStore(redis, { keyPrefix: `qq:${appId}` }) });
 * ```
 */
export function createRedisSessionStore(redis: RedisClient, options: RedisSessionStoreOptions = {}): SessionStore {
  const prefix = options.keyPrefix ?? 'qq-bot-machine';
  const ttlMs = options.ttlMs ?? defaultSessionTtlMs;
  const key = (shard: number) => `${prefix}:session:${shard}`;
  return {
    async get(shard) {
      const text = await redis.get(key(shard));
      if (text === null) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return null;
      }
      return isStoredSession(parsed) ? parsed : null;
    },
    async set(session: StoredSession) {
      await redis.set(key(session.shard), JSON.stringify(session), 'PX', ttlMs);
    },
    async delete(shard) {
      await redis.del(key(shard));
    },
  };
}
