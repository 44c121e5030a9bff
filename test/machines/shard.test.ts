import { describe, expect, it } from 'vitest';
import { OpCode } from '../../src/protocol/opcodes.js';
import { QQGatewayError, QQInvalidSessionError } from '../../src/errors.js';
import { serializeFrame } from '../../src/io/gateway-socket.js';
import type { DecodedFrame } from '../../machines/shard.events.js';
import { shardMachine } from '../../machines/shard.machine.js';
import { createShardHarness } from './support/shard-harness.js';

const dispatch = (seq: number | null, id: string): DecodedFrame => ({ type: 'GATEWAY.DISPATCH', eventType: 'C2C_MESSAGE_CREATE', seq, id, data: { n: id } });
const delivered = (h: ReturnType<typeof createShardHarness>) => h.delivered.map((d) => d.id);

describe('shard machine: handshake', () => {
  it('identifies on a fresh connection and reaches ready', async () => {
    const h = createShardHarness();
    await h.connectToReady();
    expect(h.connection()).toEqual({ session: { ready: { heartbeat: 'waiting', health: 'proving' } } });
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
    expect(h.actor.getSnapshot().context.heartbeat.latencyMs).toBe(3);
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

  it('times each beat from the previous send, not from its ACK (no drift by the round trip)', async () => {
    const h = createShardHarness();
    await h.connectToReady('s', 10_000);
    const beats = () => h.sentFrames().filter((f) => f.op === OpCode.Heartbeat).length;
    h.clock.increment(10_000);
    expect(beats()).toBe(1);
    for (let n = 2; n <= 4; n++) {
      // the ACK comes 400 ms after the send; the next beat is still due 10 s after the send
      h.clock.increment(400);
      h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 400 });
      expect(h.connection()).toMatchObject({ session: { ready: { heartbeat: 'waiting' } } });
      h.clock.increment(9_599);
      expect(beats()).toBe(n - 1);
      h.clock.increment(1);
      expect(beats()).toBe(n);
    }
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

describe('shard machine: reconnect schedule (escalates on failed attempts, not on healthy sessions)', () => {
  /** The machine's own RECONNECT_BACKOFF (the harness otherwise pins it to 1 s): 0–25 ms at the first step for one shard. */
  const realSchedule = { RECONNECT_BACKOFF: shardMachine.implementations.delays.RECONNECT_BACKOFF! };
  const interval = 300;
  const health = (h: ReturnType<typeof createShardHarness>) =>
    ((h.connection() as { session?: { ready?: { health?: string } } }).session?.ready?.health ?? null);

  /** Advances simulated time in 5 ms steps until the shard opens its next socket; returns how long that took. */
  async function untilNextSocket(h: ReturnType<typeof createShardHarness>, maxMs = 100_000): Promise<number> {
    const before = h.sockets.length;
    const from = h.clock.now();
    for (let waited = 0; h.sockets.length === before; waited += 5) {
      if (waited > maxMs) throw new Error(`no new socket within ${maxMs} ms`);
      h.clock.increment(5);
      await h.flush();
    }
    return h.socket().openedAt - from;
  }

  function resume(h: ReturnType<typeof createShardHarness>, seq: number): void {
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: interval });
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Resume);
    h.socket().push({ type: 'GATEWAY.RESUMED', seq });
  }

  /** One heartbeat interval, then the platform ACKs the heartbeat: the session is healthy. */
  function beatAndAck(h: ReturnType<typeof createShardHarness>): void {
    h.clock.increment(interval);
    expect(h.sentFrames().at(-1)?.op).toBe(OpCode.Heartbeat);
    h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 1 });
  }

  it('a healthy session (READY/RESUMED + one ACK) reconnects at the first step after every kind of resumable fault, fault after fault', async () => {
    const h = createShardHarness({ delays: realSchedule });
    await h.connectToReady('s', interval);
    expect(health(h)).toBe('proving');
    beatAndAck(h);
    expect(health(h)).toBe('healthy');
    const faults: Array<[string, () => void]> = [
      ['close 4009', () => h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: 'session timed out' })],
      ['TCP drop', () => h.socket().push({ type: 'SOCKET.CLOSED', code: 1006, reason: '' })],
      ['op 7', () => h.socket().push({ type: 'GATEWAY.RECONNECT' })],
      // zombie: the next beat goes unanswered; one interval later the shard gives up on the socket
      // (one increment per timer: SimulatedClock fires only the timers due when the increment starts)
      [
        'zombie',
        () => {
          h.clock.increment(interval);
          h.clock.increment(interval);
        },
      ],
    ];
    const waits: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const [name, fault] of faults) {
        fault();
        expect(h.connection(), name).toBe('backoff');
        expect(h.actor.getSnapshot().context.failedAttempts, name).toBe(0);
        waits.push(await untilNextSocket(h));
        resume(h, 1);
        beatAndAck(h);
        expect(health(h), name).toBe('healthy');
      }
    }
    // 20 faults, each reconnect at the first step: the per-shard spread only (one shard: 0–25 ms, 5 ms steps here)
    expect(waits).toHaveLength(20);
    expect(Math.max(...waits)).toBeLessThanOrEqual(30);
    expect(h.actor.getSnapshot().context.reconnects).toBe(20);
  });

  it('one heartbeat interval with dispatches flowing makes a session healthy without an ACK; a resume replay does not count', async () => {
    const h = createShardHarness({ delays: realSchedule });
    await h.connectToReady('s', interval);
    h.socket().push({ type: 'SOCKET.CLOSED', code: 1006, reason: '' });
    await untilNextSocket(h);
    h.socket().push({ type: 'SOCKET.OPEN' });
    h.socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval: interval });
    // the replay comes before RESUMED
    h.socket().push(dispatch(2, 'replayed-1'));
    h.socket().push(dispatch(3, 'replayed-2'));
    h.socket().push({ type: 'GATEWAY.RESUMED', seq: 4 });
    h.clock.increment(interval);
    expect(health(h)).toBe('proving'); // no ACK yet, nothing since RESUMED
    h.socket().push({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: 1 });
    expect(health(h)).toBe('healthy');

    // next connection: traffic instead of an ACK
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: '' });
    await untilNextSocket(h);
    resume(h, 4);
    h.socket().push(dispatch(5, 'live'));
    h.clock.increment(interval - 1);
    expect(health(h)).toBe('proving');
    h.clock.increment(1);
    expect(health(h)).toBe('healthy');
    expect(h.connection()).toMatchObject({ session: { ready: { heartbeat: 'awaitingAck' } } });
    expect(delivered(h)).toEqual(['replayed-1', 'replayed-2', 'live']);
  });

  it('sessions that die before they are healthy walk the schedule: at once, at once, 1 s, 2 s, 5 s …; a healthy session starts it again', async () => {
    const h = createShardHarness({ delays: realSchedule });
    await h.connectToReady('s', interval);
    beatAndAck(h);
    const waits: number[] = [];
    const failed: number[] = [];
    // the platform accepts every RESUME and closes at once
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: '' });
    for (let attempt = 0; attempt < 5; attempt++) {
      waits.push(await untilNextSocket(h));
      resume(h, 1);
      h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: '' });
      failed.push(h.actor.getSnapshot().context.failedAttempts);
    }
    waits.push(await untilNextSocket(h));
    expect(failed).toEqual([1, 2, 3, 4, 5]);
    // 0–25 ms, 0–25 ms, then 1, 2, 5, 10 s with up to 20 % jitter
    const steps = [0, 0, 1_000, 2_000, 5_000, 10_000];
    waits.forEach((wait, i) => {
      expect(wait, `wait ${i}`).toBeGreaterThanOrEqual(steps[i]!);
      expect(wait, `wait ${i}`).toBeLessThanOrEqual(steps[i]! === 0 ? 30 : steps[i]! * 1.2 + 5);
    });
    // this one becomes healthy: the schedule starts again
    resume(h, 1);
    beatAndAck(h);
    expect(h.actor.getSnapshot().context.failedAttempts).toBe(0);
    h.socket().push({ type: 'GATEWAY.RECONNECT' });
    expect(await untilNextSocket(h)).toBeLessThanOrEqual(30);
  });

  it('flapping forever (RESUMED, then closed at once): at most 8 connections in the first minute, then at most 1 a minute', async () => {
    const h = createShardHarness({ delays: realSchedule });
    await h.connectToReady('s', interval);
    beatAndAck(h);
    const start = h.clock.now();
    h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: '' });
    let driven = h.sockets.length;
    const minutes = 15;
    while (h.clock.now() - start < minutes * 60_000) {
      h.clock.increment(100);
      await h.flush();
      for (; driven < h.sockets.length; driven++) {
        resume(h, 1);
        h.socket().push({ type: 'SOCKET.CLOSED', code: 4009, reason: 'flap' });
      }
    }
    const perMinute = Array.from({ length: minutes }, (_, m) =>
      h.sockets.slice(1).filter((s) => s.openedAt - start >= m * 60_000 && s.openedAt - start < (m + 1) * 60_000).length,
    );
    expect(perMinute[0]).toBeLessThanOrEqual(8);
    expect(Math.max(...perMinute.slice(1))).toBeLessThanOrEqual(1);
    // and it never gives up: after the first minute, one every 60–72 s
    expect(h.sockets.length - 1).toBeGreaterThanOrEqual(7 + Math.floor(((minutes - 1) * 60_000) / 72_000));
  });
});
