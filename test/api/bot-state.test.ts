import { describe, expect, it } from 'vitest';
import type { ShardActorRef } from '../../machines/shard.machine.js';
import { sameBotState, ShardStates, type BotState } from '../../src/state.js';

/** Just what `shardStateOf` reads of a shard's snapshot. */
function fakeShard(id: number, connection: unknown, latency: number | null = null, seq: number | null = null) {
  let snapshot = snapshotOf(id, connection, latency, seq);
  const ref = { getSnapshot: () => snapshot } as unknown as ShardActorRef;
  return {
    ref,
    move(next: unknown, nextLatency: number | null = latency, nextSeq: number | null = seq) {
      snapshot = snapshotOf(id, next, nextLatency, nextSeq);
      return snapshot as ReturnType<ShardActorRef['getSnapshot']>;
    },
  };
}

function snapshotOf(id: number, connection: unknown, latency: number | null, seq: number | null) {
  return {
    value: { connection, sessionAge: 'untracked' },
    status: 'active',
    context: {
      shardId: id,
      sessionId: 's',
      dispatches: { seq },
      heartbeat: { intervalMs: 41_250, latencyMs: latency },
      reconnects: 0,
      sessionHealthy: false,
      failedAttempts: 0,
      lastCause: null,
      error: null,
    },
  };
}

const ready = { session: { ready: { heartbeat: 'waiting', health: 'healthy' } } };

describe('ShardStates (the shards of BotState)', () => {
  it('keeps the list sorted by id whatever the order shards arrive in, and counts the ready ones', () => {
    const shards = new ShardStates();
    for (const id of [3, 0, 2, 1]) shards.add(id, fakeShard(id, id % 2 ? ready : { session: 'identifying' }).ref);
    expect(shards.list().map((s) => s.id)).toEqual([0, 1, 2, 3]);
    expect(shards.anyReady()).toBe(true);
    shards.remove(1);
    shards.remove(3);
    expect(shards.list().map((s) => s.id)).toEqual([0, 2]);
    expect(shards.anyReady()).toBe(false);
  });

  it('replaces only the changed shard, in a new list: a list handed out earlier does not change', () => {
    const shards = new ShardStates();
    const a = fakeShard(0, ready);
    const b = fakeShard(1, { session: 'identifying' });
    shards.add(0, a.ref);
    shards.add(1, b.ref);
    const before = shards.list();
    expect(shards.set(1, b.move(ready))).toBe(true);
    const after = shards.list();
    expect(after).not.toBe(before);
    expect(before[1]?.state).toBe('session.identifying');
    expect(after[1]?.state).toBe('session.ready');
    expect(after[0]).toBe(before[0]);
  });

  it('a step that shows nothing new (another heartbeat substate, a new seq, a new heartbeat latency) changes nothing', () => {
    const shards = new ShardStates();
    const a = fakeShard(0, ready);
    shards.add(0, a.ref);
    const before = shards.list();
    expect(shards.set(0, a.move({ session: { ready: { heartbeat: 'awaitingAck', health: 'healthy' } } }, 12.345, 7))).toBe(false);
    expect(shards.list()).toBe(before);
    expect(before[0]?.heartbeatLatencyMs).toBeNull();
    // bot.state still reads the live seq and latency
    const state: BotState = { status: 'running', token: 'live', shards: shards.list() };
    expect(shards.withLiveReadings(state).shards[0]).toMatchObject({ seq: 7, heartbeatLatencyMs: 12.35 });
  });
});

describe('sameBotState (what state$ emits for)', () => {
  const shard = { id: 0, state: 'session.ready', ready: true, sessionId: 's', seq: 1, heartbeatLatencyMs: 3, reconnects: 0, healthy: true, failedAttempts: 0, lastDisconnect: null, error: null };
  const base: BotState = { status: 'running', token: 'live', shards: [shard] };
  it('ignores the seq and the heartbeat latency, and nothing else', () => {
    expect(sameBotState(base, { ...base, shards: [{ ...shard, seq: 99 }] })).toBe(true);
    expect(sameBotState(base, { ...base, shards: [{ ...shard, heartbeatLatencyMs: 4 }] })).toBe(true);
    expect(sameBotState(base, { ...base, shards: [{ ...shard, healthy: false }] })).toBe(false);
    expect(sameBotState(base, { ...base, shards: [{ ...shard, reconnects: 1 }] })).toBe(false);
    expect(sameBotState(base, { ...base, status: 'stopping' })).toBe(false);
    expect(sameBotState(base, { ...base, coordination: 'available' })).toBe(false);
    expect(sameBotState(base, { ...base, shards: [] })).toBe(false);
  });
});
