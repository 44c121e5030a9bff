import { describe, expect, it } from 'vitest';
import { OpCode } from '../../src/protocol/opcodes.js';
import { QQGatewayError, QQInvalidSessionError } from '../../src/errors.js';
import { serializeFrame } from '../../src/io/gateway-socket.js';
import type { DecodedFrame } from '../../machines/shard.events.js';
import { createShardHarness } from './support/shard-harness.js';

const dispatch = (seq: number | null, id: string): DecodedFrame => ({
  type: 'GATEWAY.DISPATCH',
  dispatch: { eventType: 'C2C_MESSAGE_CREATE', seq, id, data: { n: id } },
});
const delivered = (h: ReturnType<typeof createShardHarness>) => h.delivered.map((d) => d.id);

describe('shard machine: handshake', () => {
  it('identifies on a fresh connection and reaches ready', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    expect(h.connection()).toEqual({ session: { ready: { heartbeat: 'waiting', stability: 'settling' } } });
    const identify = h.sentFrames()[0];
    expect(identify?.op).toBe(OpCode.Identify);
    expect(String((identify?.d as { token: unknown }).token)).toBe('[redacted]');
    expect(serializeFrame(identify)).toContain('"token":"QQBot token-1"');
    expect((identify?.d as { shard: number[] }).shard).toEqual([0, 1]);
    expect(h.actor.getSnapshot().context.sessionId).toBe('session-1');
  });

  it('times out waiting for Hello and reconnects with backoff', async () => {
    const h = createShardHarness({ delays: { HELLO_TIMEOUT: 5_000 } });
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.clock.increment(4_999);
    expect(h.connection()).toEqual({ session: 'awaitingHello' });
    h.clock.increment(1);
    expect(h.connection()).toBe('backoff');
    expect(h.sockets[0]?.stopped).toBe(true);
    expect(h.emitted.some((e) => e.type === 'shard.error' && e.error.code === 'TIMEOUT')).toBe(true);
  });
});

describe('shard machine: heartbeat', () => {
  it('beats every interval with the last seq and detects a zombie when no ACK comes', async () => {
    const h = createShardHarness();
    await h.connectToReady('s', 10_000);
    h.socket().push(dispatch(2, 'e2'));
    h.clock.increment(10_000);
    expect(h.sentFrames().at(-1)).toEqual({ op: OpCode.Heartbeat, d: 2 });
    h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 3 });
    expect(h.actor.getSnapshot().context.heartbeatLatencyMs).toBe(3);
    h.clock.increment(10_000);
    expect(h.sentFrames().filter((f) => f.op === OpCode.Heartbeat)).toHaveLength(2);
    // no ACK for the second beat: by the next beat the connection is a zombie
    h.clock.increment(10_000);
    expect(h.connection()).toBe('backoff');
    const closeCommand = h.sockets[0]?.commands.find((c) => c.type === 'CLOSE');
    expect(closeCommand).toMatchObject({ type: 'CLOSE', code: 4000 });
    // and the next connection resumes
    h.clock.increment(1_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(h.sentFrames().at(-1)).toMatchObject({ op: OpCode.Resume, d: { session_id: 's', seq: 2 } });
  });

  it('answers a heartbeat request (server op 1) at once', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    h.socket().push({ type: 'GATEWAY.HEARTBEAT_REQUEST' });
    expect(h.sentFrames().at(-1)).toEqual({ op: OpCode.Heartbeat, d: 1 });
  });
});

describe('shard machine: dispatches', () => {
  it('emits each event once: drops replays with s <= last seq and repeated ids', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    const push = (seq: number | null, id: string) => h.socket().push(dispatch(seq, id));
    push(2, 'a');
    push(3, 'b');
    push(3, 'b');
    push(2, 'a');
    push(null, 'c');
    push(null, 'c');
    push(4, 'd');
    push(3, 'b');
    push(4, 'd');
    push(5, 'e');
    expect(delivered(h)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(h.duplicates.map((d) => d.id)).toEqual(['b', 'a', 'c', 'b', 'd']);
    expect(h.actor.getSnapshot().context.dispatches.seq).toBe(5);
    // heartbeats carry the sequencer's seq
    h.socket().push({ type: 'GATEWAY.HEARTBEAT_REQUEST' });
    expect(h.sentFrames().at(-1)).toEqual({ op: OpCode.Heartbeat, d: 5 });
  });

  it('resumes from the last delivered seq; after op 9 d=false it forgets it and a new session starts from READY', async () => {
    const h = createShardHarness();
    await h.connectToReady('s1');
    h.socket().push(dispatch(7, 'x'));
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: 'timed out' });
    h.clock.increment(1_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(h.sentFrames().at(-1)).toMatchObject({ op: OpCode.Resume, d: { session_id: 's1', seq: 7 } });
    h.socket().push({ type: 'GATEWAY.INVALID_SESSION', resumable: false });
    expect(h.actor.getSnapshot().context.dispatches.seq).toBeNull();
    h.clock.increment(3_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Identify);
    h.socket().push({ type: 'GATEWAY.READY', seq: 1, data: { version: 1, session_id: 's2', user: { id: 'b', username: 'b', bot: true }, shard: [0, 1] } });
    // the new session numbers from 1 again: s = 2 is new, not a replay of the old session's 2
    h.socket().push(dispatch(2, 'y'));
    expect(delivered(h)).toEqual(['x', 'y']);
  });

  it('ignores events from a socket it has left', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    const old = h.socket();
    old.push({ type: 'GATEWAY.RECONNECT' });
    expect(old.stopped).toBe(true);
    old.push(dispatch(9, 'stale'));
    old.push({ type: 'SOCKET.CLOSED', code: 4914, reason: 'stale' });
    expect(delivered(h)).not.toContain('stale');
    expect(h.connection()).toBe('backoff');
    // still nothing from the old socket once the new one is up; the new one delivers
    h.clock.increment(1_000);
    await h.flush();
    const fresh = h.socket();
    expect(fresh).not.toBe(old);
    fresh.push({ type: 'SOCKET.OPEN' });
    fresh.push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    fresh.push({ type: 'GATEWAY.RESUMED', seq: null });
    old.push(dispatch(10, 'stale-2'));
    fresh.push(dispatch(10, 'fresh'));
    expect(delivered(h)).toEqual(['fresh']);
  });
});

describe('shard machine: close-code policy', () => {
  const cases: Array<[number, string, 'resume' | 'identify' | 'failed']> = [
    [4009, 'session timed out', 'resume'],
    [1006, '', 'resume'],
    [4006, 'session invalid', 'identify'],
    [4007, 'bad seq', 'identify'],
    [4903, 'create session error', 'identify'],
    [4001, 'invalid opcode', 'failed'],
    [4013, 'invalid intent', 'failed'],
    [4914, 'delisted', 'failed'],
    [4915, 'banned', 'failed'],
  ];
  it.each(cases)('close %i → %s', async (code, reason, expected) => {
    const h = createShardHarness();
    await h.connectToReady();
    h.socket().push({ type: 'SOCKET.CLOSED', code, reason });
    if (expected === 'failed') {
      expect(h.connection()).toBe('failed');
      const error = h.actor.getSnapshot().context.error;
      expect(error).toBeInstanceOf(QQGatewayError);
      expect((error as QQGatewayError).closeCode).toBe(code);
      h.clock.increment(600_000);
      expect(h.sockets).toHaveLength(1); // never reconnects
      return;
    }
    h.clock.increment(1_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    const frame = h.sentFrames().at(-1);
    expect(frame?.op).toBe(expected === 'resume' ? OpCode.Resume : OpCode.Identify);
  });

  it('4004 fetches a fresh token before reconnecting', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4004, reason: 'invalid token' });
    h.clock.increment(1_000);
    await h.flush();
    expect(h.tokenRequests.at(-1)).toEqual({ forceRefresh: true });
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(serializeFrame(h.sentFrames().at(-1))).toContain('"token":"QQBot token-2"');
  });

  it('4008 waits the rate-limit delay, then resumes', async () => {
    const h = createShardHarness({ delays: { RATE_LIMIT_WAIT: 60_000 } });
    await h.connectToReady();
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4008, reason: 'rate limited' });
    expect(h.connection()).toBe('rateLimited');
    h.clock.increment(59_999);
    await h.flush();
    expect(h.sockets).toHaveLength(1);
    h.clock.increment(1);
    await h.flush();
    expect(h.sockets).toHaveLength(2);
  });

  it('counts failed resumes with a resumable close and identifies on the fourth try', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: '' });
    const ops: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      h.clock.increment(60_000);
      await h.flush();
      h.socket().push({ type: 'SOCKET.OPEN' });
      h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
      ops.push(h.sentFrames().at(-1)?.op ?? -1);
      h.socket().push({ type: 'SOCKET.CLOSED', code: 1006, reason: '' });
    }
    expect(ops).toEqual([OpCode.Resume, OpCode.Resume, OpCode.Resume, OpCode.Identify]);
  });
});

describe('shard machine: invalid session (op 9)', () => {
  it('d=true resumes, d=false identifies after the invalid-session wait', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    h.socket().push({ type: 'GATEWAY.INVALID_SESSION', resumable: true });
    expect(h.connection()).toBe('invalidSessionWait');
    h.clock.increment(3_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Resume);
    h.socket().push({ type: 'GATEWAY.INVALID_SESSION', resumable: false });
    h.clock.increment(3_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Identify);
  });

  it('op 9 right after IDENTIFY twice is fatal, never a loop', async () => {
    const h = createShardHarness();
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    h.socket().push({ type: 'GATEWAY.INVALID_SESSION', resumable: false });
    h.clock.increment(3_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    h.socket().push({ type: 'GATEWAY.INVALID_SESSION', resumable: false });
    expect(h.connection()).toBe('failed');
    expect(h.actor.getSnapshot().context.error).toBeInstanceOf(QQInvalidSessionError);
    h.clock.increment(600_000);
    await h.flush();
    expect(h.sockets).toHaveLength(2);
  });
});

describe('shard machine: stop', () => {
  it('closes with 1000, cancels timers and never reconnects', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    h.actor.send({ type: 'STOP' });
    expect(h.connection()).toBe('stopped');
    expect(h.sockets[0]?.commands.at(-1)).toEqual({ type: 'CLOSE', code: 1000, reason: 'stopped' });
    expect(h.actor.getSnapshot().status).toBe('done');
    h.clock.increment(3_600_000);
    await h.flush();
    expect(h.sockets).toHaveLength(1);
  });
});

describe('shard machine: max session age', () => {
  it('identifies afresh after maxSessionAge even though resumes succeed', async () => {
    const h = createShardHarness({ input: { maxSessionAgeMs: 100_000 } });
    await h.connectToReady('first', 30_000);
    // keep the heartbeat happy
    for (let t = 0; t < 3; t++) {
      h.clock.increment(30_000);
      h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 1 });
    }
    h.clock.increment(10_000);
    expect(h.connection()).toBe('backoff');
    h.clock.increment(1_000);
    await h.flush();
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 30_000 });
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Identify);
  });
});

describe('shard machine: reconnect backoff', () => {
  it('grows with each failed reconnect and resets after a stable session', async () => {
    const h = createShardHarness({ delays: { STABLE_SESSION: 60_000 } });
    await h.connectToReady();
    for (let i = 0; i < 3; i++) {
      h.socket().push({ type: 'SOCKET.CLOSED', code: 1006, reason: '' });
      h.clock.increment(1_000);
      await h.flush();
    }
    expect(h.actor.getSnapshot().context.reconnectAttempt).toBe(3);
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: 10_000 });
    h.socket().push({ type: 'GATEWAY.RESUMED', seq: 1 });
    for (let t = 0; t < 6; t++) {
      h.clock.increment(10_000);
      h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 1 });
    }
    expect(h.actor.getSnapshot().context.reconnectAttempt).toBe(0);
    expect(h.actor.getSnapshot().context.reconnects).toBe(3);
  });
});
