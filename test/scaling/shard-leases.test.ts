import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseRound, ShardLeases } from '../../src/coordination.js';
import { LeaseKeeper } from '../../src/leases/lease-keeper.js';
import { createRedisShardLeases } from '../../src/redis/index.js';
import { SessionKeeper } from '../../src/sessions/keeper.js';
import { createMemorySessionStore } from '../../src/sessions/store.js';
import type { QQBotError } from '../../src/errors.js';
import { RedisServer } from './support/redis-server.js';

let redisServer: RedisServer;
let redis: Redis;
let n = 0;

beforeAll(async () => {
  redisServer = await RedisServer.start();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  redis?.disconnect();
  await redisServer?.dispose();
});

const all = [0, 1, 2, 3];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A process's view: what it holds, applied from each round as the lease keeper would. */
function member(keyPrefix: string, leaseMs = 5_000) {
  const leases = createRedisShardLeases(redis, { keyPrefix, leaseMs });
  const held = new Set<number>();
  return {
    leases,
    held,
    async round(): Promise<LeaseRound> {
      const result = await leases.round({ held: [...held], candidates: all, total: all.length });
      for (const id of [...result.lost, ...result.surplus]) held.delete(id);
      for (const id of result.surplus) await leases.release(id);
      for (const id of result.claimed) held.add(id);
      return result;
    },
  };
}

describe('redis shard leases (real redis-server)', () => {
  it('claims a shard only after seeing it free in two rounds in a row, up to the fair share', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix);
    expect((await a.round()).claimed).toEqual([]);
    expect((await a.round()).claimed).toEqual([0, 1, 2, 3]);
    expect(await redis.get(`${prefix}:lease:2`)).not.toBeNull();
  });

  it('a process that joins gets its share: the others shed their surplus (highest ids) and it claims them', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix);
    const b = member(prefix);
    await a.round();
    await a.round();
    await b.round(); // b registers: 2 members now
    expect((await a.round()).surplus).toEqual([3, 2]);
    expect((await b.round()).claimed).toEqual([]); // first sight of 2 and 3 free
    expect((await b.round()).claimed).toEqual([2, 3]);
    expect([...a.held].sort()).toEqual([0, 1]);
    const round = await a.round();
    expect(round).toEqual({ lost: [], claimed: [], surplus: [], reasserted: [] });
  });

  it('reports a lease another process holds now as lost', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix);
    await a.round();
    await a.round();
    await redis.set(`${prefix}:lease:1`, 'someone-else');
    expect((await a.round()).lost).toEqual([1]);
  });

  it('takes back its own leases after Redis lost them, before anyone else may claim them', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix);
    const b = member(prefix);
    await a.round();
    await a.round();
    await redis.flushall();
    // b sees everything free once; a renews (re-asserts) in its next round, before b's second look
    await b.round();
    const reassert = await a.round();
    expect(reassert.reasserted).toEqual([0, 1, 2, 3]);
    // two processes now: a hands over its surplus, and b gets exactly that, nothing a kept
    expect(reassert.surplus).toEqual([3, 2]);
    expect((await b.round()).claimed).toEqual([2, 3]);
    expect((await a.round()).lost).toEqual([]);
    expect([...a.held].sort()).toEqual([0, 1]);
  });

  it('a dead process stops renewing: its leases lapse after leaseMs and another claims them', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix, 300);
    const b = member(prefix, 300);
    await a.round();
    await a.round();
    await b.round();
    expect((await b.round()).claimed).toEqual([]);
    await sleep(350); // a is "dead": no more rounds
    await b.round();
    expect((await b.round()).claimed).toEqual([0, 1, 2, 3]);
  });

  it('leave() gives every lease back and leaves the group', async () => {
    const prefix = `qq-lease:${n++}`;
    const a = member(prefix);
    await a.round();
    await a.round();
    await a.leases.leave([...a.held]);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });
});

describe('lease keeper', () => {
  function harness(rounds: (LeaseRound | Error)[]) {
    const calls: string[] = [];
    const leases: ShardLeases = {
      leaseMs: 3_000,
      renewIntervalMs: 1_000,
      round: async () => {
        const next = rounds.shift() ?? { lost: [], claimed: [], surplus: [], reasserted: [] };
        if (next instanceof Error) throw next;
        return next;
      },
      release: async (id) => void calls.push(`release ${id}`),
      leave: async (held) => void calls.push(`leave ${held.join(',')}`),
    };
    const store = createMemorySessionStore();
    const storeCalls: string[] = [];
    const sessions = new SessionKeeper(
      {
        get: (shard) => (storeCalls.push(`get ${shard}`), store.get(shard)),
        set: (session) => (calls.push(`store ${session.shard}`), store.set(session)),
        delete: (shard) => store.delete(shard),
      },
      { onError: () => undefined },
    );
    const errors: QQBotError[] = [];
    let available = 0;
    const keeper = new LeaseKeeper(leases, {
      bot: {
        shards: () => ({ candidates: [0, 1, 2], total: 3 }),
        add: (id, stored) => calls.push(`add ${id} ${stored ? `resume ${stored.sessionId}@${stored.seq}` : 'fresh'}`),
        remove: (id) => calls.push(`remove ${id}`),
      },
      sessions,
      onUnavailable: (error) => errors.push(error),
      onAvailable: () => (available += 1),
    });
    /** A running shard as the session keeper reads it. */
    const runShard = (shardId: number, sessionId: string, seq: number) =>
      sessions.track({
        getSnapshot: () => ({ context: { shardId, settings: { shardCount: 3 }, sessionId, dispatches: { seq, recentIds: () => [] } } }),
      } as never);
    return { keeper, calls, store, errors, available: () => available, storeCalls, runShard };
  }

  it('starts a claimed shard with its stored session', async () => {
    const h = harness([{ lost: [], claimed: [1, 2], surplus: [], reasserted: [] }]);
    await h.store.set({ shard: 1, shardCount: 3, sessionId: 's1', seq: 40, recentIds: [], updatedAt: Date.now() });
    await h.keeper.round();
    expect(h.calls).toEqual(['add 1 resume s1@40', 'add 2 fresh']);
    expect(h.keeper.held).toEqual([1, 2]);
  });

  it('hands surplus over in order: stop the shard, then (once stopped) its session is stored, then the lease released', async () => {
    const h = harness([
      { lost: [], claimed: [2], surplus: [], reasserted: [] },
      { lost: [], claimed: [], surplus: [2], reasserted: [] },
    ]);
    await h.keeper.round();
    h.runShard(2, 's2', 77);
    await h.keeper.round();
    expect(h.calls).toEqual(['add 2 fresh', 'remove 2']);
    await h.keeper.shardReleased(2);
    expect(h.calls.slice(2)).toEqual(['store 2', 'release 2']);
    expect(await h.store.get(2)).toMatchObject({ sessionId: 's2', seq: 77 });
    expect(h.keeper.held).toEqual([]);
  });

  it('stops a lost shard without storing or releasing anything (it is another process’s now)', async () => {
    const h = harness([
      { lost: [], claimed: [0], surplus: [], reasserted: [] },
      { lost: [0], claimed: [], surplus: [], reasserted: [] },
    ]);
    await h.keeper.round();
    h.runShard(0, 's0', 5);
    await h.keeper.round();
    await h.keeper.shardReleased(0);
    expect(h.calls).toEqual(['add 0 fresh', 'remove 0']);
  });

  it('an unreachable coordinator changes nothing that runs; reported once, and its return once', async () => {
    const h = harness([{ lost: [], claimed: [0], surplus: [], reasserted: [] }, new Error('ECONNREFUSED'), new Error('ECONNREFUSED')]);
    await h.keeper.round();
    await h.keeper.round();
    await h.keeper.round();
    expect(h.calls).toEqual(['add 0 fresh']);
    expect(h.errors.map((e) => e.code)).toEqual(['COORDINATION']);
    expect(h.keeper.held).toEqual([0]);
    await h.keeper.round();
    expect(h.available()).toBe(1);
  });
});
