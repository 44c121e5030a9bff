/**
 * Where a bot keeps its gateway sessions between processes: one record per shard, written on a short
 * interval and on stop (src/sessions/keeper.ts), read when a shard starts so it RESUMEs instead of
 * identifying. docs/scaling.md describes the guarantees.
 */

/** One shard's session, as a store keeps it. */
export interface StoredSession {
  /** The shard id. */
  shard: number;
  /** The shard count the session was identified with: a session of another count is not resumed. */
  shardCount: number;
  /** `session_id` from READY. */
  sessionId: string;
  /** The last `s` delivered to the application. */
  seq: number;
  /** The newest delivered event ids (oldest first): redeliveries of these are dropped after a resume. */
  recentIds: string[];
  /** When the record was written, ms since the epoch. */
  updatedAt: number;
}

/**
 * A session store. Implementations: `createMemorySessionStore()`, `createFileSessionStore()`,
 * and `createRedisSessionStore()` from `qq-bot-machine/redis`. Methods may reject (a store that is
 * down); the bot reports it on `errors$` and keeps running.
 *
 * @example
 * ```ts
 * const sessions: SessionStore = {
 *   get: async (shard) => JSON.parse((await db.read(`qq:${shard}`)) ?? 'null'),
 *   set: async (session) => db.write(`qq:${session.shard}`, JSON.stringify(session)),
 *   delete: async (shard) => db.remove(`qq:${shard}`),
 * };
 * createBot({ appId, secret, sessions });
 * ```
 */
export interface SessionStore {
  /** The stored session of `shard`, or null (none, or too old to resume). */
  get(shard: number): Promise<StoredSession | null>;
  set(session: StoredSession): Promise<void>;
  delete(shard: number): Promise<void>;
}

/**
 * How long a stored session is offered for RESUME by default. The platform's resume window is not
 * documented (UNCONFIRMED, reference §4.4); a stale session costs one refused RESUME and then an
 * IDENTIFY, a session forgotten too early loses what the platform buffered, so the default is long.
 */
export const defaultSessionTtlMs = 10 * 60_000;

/** How many recent event ids are stored with each session. */
export const storedRecentIds = 256;

/** Type guard for what a store hands back (stores hold JSON written by other processes and versions). */
export function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isInteger(v.shard) &&
    Number.isInteger(v.shardCount) &&
    typeof v.sessionId === 'string' &&
    v.sessionId.length > 0 &&
    Number.isInteger(v.seq) &&
    (v.seq as number) >= 0 &&
    Array.isArray(v.recentIds) &&
    v.recentIds.every((id) => typeof id === 'string') &&
    typeof v.updatedAt === 'number'
  );
}

/** Whether a stored record is fresh enough to offer for RESUME. */
export function isFresh(session: StoredSession, ttlMs: number, now: number): boolean {
  return now - session.updatedAt <= ttlMs;
}

export interface MemorySessionStoreOptions {
  /** Records older than this are not returned. Default 10 min. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Sessions in this process's memory: survives `stop()` and a new `createBot()` with the same store,
 * not a restart. The default store of every bot (one per bot).
 *
 * @example
 * ```ts
 * const sessions = createMemorySessionStore();
 * const first = createBot({ appId, secret, sessions });
 * await first.start(); await first.stop();
 * const second = createBot({ appId, secret, sessions }); // RESUMEs where the first stopped
 * ```
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const ttlMs = options.ttlMs ?? defaultSessionTtlMs;
  const now = options.now ?? Date.now;
  const records = new Map<number, StoredSession>();
  return {
    async get(shard) {
      const record = records.get(shard);
      return record && isFresh(record, ttlMs, now()) ? { ...record, recentIds: [...record.recentIds] } : null;
    },
    async set(session) {
      records.set(session.shard, { ...session, recentIds: [...session.recentIds] });
    },
    async delete(shard) {
      records.delete(shard);
    },
  };
}
