import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileSessionStore } from '../../src/sessions/file-store.js';
import { createMemorySessionStore, isStoredSession, type SessionStore, type StoredSession } from '../../src/sessions/store.js';
import { createRedisSessionStore } from '../../src/redis/index.js';
import { RedisServer } from './support/redis-server.js';

const session = (shard: number, seq: number, updatedAt: number): StoredSession => ({
  shard,
  shardCount: 2,
  sessionId: `session-${shard}`,
  seq,
  recentIds: [`id-${seq - 1}`, `id-${seq}`],
  updatedAt,
});

let redisServer: RedisServer;
let redis: Redis;
let dir: string;

beforeAll(async () => {
  redisServer = await RedisServer.start();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  dir = mkdtempSync(join(tmpdir(), 'qq-stores-'));
});

afterAll(async () => {
  redis?.disconnect();
  await redisServer?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Factory = (now: () => number, ttlMs: number) => SessionStore;
let fileCount = 0;
const stores: [string, Factory][] = [
  ['memory', (now, ttlMs) => createMemorySessionStore({ now, ttlMs })],
  ['file', (now, ttlMs) => createFileSessionStore(join(dir, `s${fileCount++}`, 'sessions.json'), { now, ttlMs })],
];

describe.each(stores)('%s session store', (_name, factory) => {
  it('keeps one record per shard: set, get, overwrite, delete', async () => {
    const store = factory(() => 1_000, 60_000);
    expect(await store.get(0)).toBeNull();
    await Promise.all([store.set(session(0, 5, 1_000)), store.set(session(1, 7, 1_000))]);
    expect(await store.get(0)).toEqual(session(0, 5, 1_000));
    expect(await store.get(1)).toEqual(session(1, 7, 1_000));
    await store.set(session(0, 9, 1_000));
    expect((await store.get(0))?.seq).toBe(9);
    await store.delete(0);
    expect(await store.get(0)).toBeNull();
    expect((await store.get(1))?.seq).toBe(7);
  });

  it('does not offer a record older than its ttl', async () => {
    let now = 1_000;
    const store = factory(() => now, 60_000);
    await store.set(session(0, 5, 1_000));
    now += 60_000;
    expect(await store.get(0)).not.toBeNull();
    now += 1;
    expect(await store.get(0)).toBeNull();
  });
});

describe('file session store', () => {
  it('starts without sessions from a damaged file, and replaces it whole on the next write (mode 600)', async () => {
    const path = join(dir, 'damaged.json');
    writeFileSync(path, '{"0": {"shard": 0, "seq": "x"}, garbage');
    const store = createFileSessionStore(path);
    expect(await store.get(0)).toBeNull();
    await store.set(session(0, 3, Date.now()));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 0: expect.objectContaining({ seq: 3 }) });
    const { statSync } = await import('node:fs');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('drops records that are not sessions instead of handing them to a shard', async () => {
    const path = join(dir, 'foreign.json');
    writeFileSync(path, JSON.stringify({ 0: { shard: 0, sessionId: '', seq: 1 }, 1: session(1, 2, Date.now()) }));
    const store = createFileSessionStore(path);
    expect(await store.get(0)).toBeNull();
    expect(await store.get(1)).toMatchObject({ seq: 2 });
  });
});

describe('redis session store (real redis-server)', () => {
  it('keeps one key per shard under the prefix, expiring ttlMs after the last write', async () => {
    const store = createRedisSessionStore(redis, { keyPrefix: 'qq-test:ttl', ttlMs: 5_000 });
    await store.set(session(3, 11, Date.now()));
    expect(await store.get(3)).toEqual(expect.objectContaining({ shard: 3, seq: 11, sessionId: 'session-3' }));
    const ttl = await redis.pttl('qq-test:ttl:session:3');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await store.delete(3);
    expect(await redis.exists('qq-test:ttl:session:3')).toBe(0);
    expect(await store.get(3)).toBeNull();
  });

  it('ignores a key that does not hold a session', async () => {
    await redis.set('qq-test:junk:session:0', 'not json');
    await redis.set('qq-test:junk:session:1', JSON.stringify({ shard: 1 }));
    const store = createRedisSessionStore(redis, { keyPrefix: 'qq-test:junk' });
    expect(await store.get(0)).toBeNull();
    expect(await store.get(1)).toBeNull();
  });

  it('rejects while Redis is unreachable (the keeper reports it and retries)', async () => {
    const down = new Redis({ port: 1, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    down.on('error', () => undefined);
    const store = createRedisSessionStore(down);
    await expect(store.get(0)).rejects.toThrow();
    down.disconnect();
  });
});

describe('isStoredSession', () => {
  it.each([
    [session(0, 1, 1), true],
    [{ ...session(0, 1, 1), seq: -1 }, false],
    [{ ...session(0, 1, 1), sessionId: '' }, false],
    [{ ...session(0, 1, 1), recentIds: [1] }, false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isStoredSession(value)).toBe(expected);
  });
});
