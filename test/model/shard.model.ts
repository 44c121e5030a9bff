import { expect } from 'vitest';
import { assign, not, setup, type AnyMachineSnapshot } from 'xstate';
import { maxResumeFailures } from '../../machines/reconnect-policy.js';
import { QQAuthError, QQGatewayError, QQInvalidSessionError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { BotWorld } from './support/world.js';

/**
 * Shard machine model: the gateway protocol as the harness can drive it. The real shard runs inside
 * the real bot (`createBotLogic`: real token machine, discovery, identify throttle, WebSocket actor)
 * against the emulator. The emulator holds every Hello and READY/RESUMED until the model releases
 * it, so `awaitingHello`, `identifying` and `resuming` are states a path can stop in; `connecting`
 * is one when the harness sends the next connection to a host that never answers the upgrade.
 * `acquiringToken`, `awaitingIdentifySlot` and `disconnected` are passed through on the way.
 *
 * The model's context is what decides the real machine's next step, each bounded:
 * whether a session can be resumed, op 9 answers to IDENTIFY in a row, 4004 closes in a row,
 * failed resumes in a row, whether the next token must be fetched afresh, and the reconnect
 * schedule's input (machines/reconnect-policy.ts): failed attempts in a row (counted up to
 * `failedCap`), whether the session is healthy, and whether dispatches came since READY/RESUMED
 * (which makes it healthy after one heartbeat interval even without an ACK).
 */
interface Ctx {
  resumable: boolean;
  rejections: number;
  authFailures: number;
  resumeFailures: number;
  refreshToken: boolean;
  failed: number;
  healthy: boolean;
  traffic: boolean;
  /** The token endpoint refused the credentials when the 4004 made the token actor fetch. */
  credentialsRejected: boolean;
}

/** Failed attempts in a row are modelled as 0, 1, 2 and "2 or more": the schedule's first steps. */
const failedCap = 2;

type E = { type: string };
const act = <T extends Partial<Ctx> | ((c: Ctx) => Partial<Ctx>)>(update: T) =>
  assign<Ctx, E, undefined, E, never>(({ context }) => (typeof update === 'function' ? update(context) : update) as Partial<Ctx>);

/** A resume attempt failed; after the third in a row the shard identifies afresh. */
const resumeFailed = act((c) => ({ resumeFailures: c.resumeFailures + 1, resumable: c.resumeFailures + 1 < maxResumeFailures }));
const identifyNext = act({ resumable: false });
const sessionStarted = act({ resumable: true, rejections: 0, authFailures: 0, resumeFailures: 0 });
const sessionResumed = act({ authFailures: 0, resumeFailures: 0 });
/** 4004: keep the session, fetch a fresh token first. */
const tokenRefused = act((c) => ({ authFailures: c.authFailures + 1, refreshToken: true }));
const noop = act({});
/** The connection ended: a failed attempt unless its session was healthy (the real machine's `countAttemptOutcome`). */
const ended = act((c) => ({ failed: c.healthy ? 0 : Math.min(c.failed + 1, failedCap), healthy: false, traffic: false }));
const becameHealthy = act({ healthy: true, failed: 0 });
const sawTraffic = act({ traffic: true });

const readyEvents = {
  dispatch: { actions: sawTraffic },
  'duplicate dispatch': { actions: sawTraffic },
  'malformed frame': { actions: noop },
  'close 4009': { target: '#shardModel.backoff', actions: ended },
  'close 4006': { target: '#shardModel.backoff', actions: [ended, identifyNext] },
  'close 4004': { target: '#shardModel.backoff', actions: [ended, tokenRefused] },
  'close 4008': { target: '#shardModel.rateLimited', actions: ended },
  // The 4004 makes the token actor fetch at once (TOKEN.REJECTED); the shard learns at the end of its backoff.
  'close 4004 / credentials rejected': { target: '#shardModel.backoff', actions: [ended, tokenRefused, act({ credentialsRejected: true })] },
  'close 4001': '#shardModel.failed',
  'drop TCP (1006)': { target: '#shardModel.backoff', actions: ended },
  'op 7 reconnect': { target: '#shardModel.backoff', actions: ended },
  'op 9 d=true': { target: '#shardModel.invalidSessionWait', actions: ended },
  'op 9 d=false': { target: '#shardModel.invalidSessionWait', actions: [ended, identifyNext] },
} as const;

export const shardModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: {
    resumable: ({ context }) => context.resumable,
    rejectedBefore: ({ context }) => context.rejections >= 1,
    thirdTokenRefusal: ({ context }) => context.authFailures + 1 >= 3,
    traffic: ({ context }) => context.traffic,
    credentialsRejected: ({ context }) => context.credentialsRejected,
  },
}).createMachine({
  id: 'shardModel',
  context: {
    resumable: false,
    rejections: 0,
    authFailures: 0,
    resumeFailures: 0,
    refreshToken: false,
    failed: 0,
    healthy: false,
    traffic: false,
    credentialsRejected: false,
  },
  initial: 'unstarted',
  on: { stop: '.stopped' },
  states: {
    unstarted: {
      // `{}` is inert: nothing to stop before the bot has started
      on: { start: 'awaitingHello', stop: {} },
    },
    connecting: {
      on: { 'connect timeout': { target: 'backoff', actions: ended } },
    },
    awaitingHello: {
      on: {
        Hello: [{ guard: 'resumable', target: 'resuming' }, { target: 'identifying' }],
        'Hello timeout': { target: 'backoff', actions: ended },
        'close 4009': { target: 'backoff', actions: ended },
      },
    },
    identifying: {
      on: {
        READY: { target: 'ready', actions: sessionStarted },
        'op 9 d=false': [
          { guard: 'rejectedBefore', target: 'failed' },
          { target: 'invalidSessionWait', actions: [ended, act((c) => ({ rejections: c.rejections + 1, resumable: false }))] },
        ],
        'READY timeout': { target: 'backoff', actions: ended },
      },
    },
    resuming: {
      on: {
        RESUMED: { target: 'ready', actions: sessionResumed },
        'close 4009': { target: 'backoff', actions: [ended, resumeFailed] },
        'close 4004': [
          { guard: 'thirdTokenRefusal', target: 'failed' },
          { target: 'backoff', actions: [ended, tokenRefused, act((c) => ({ resumeFailures: c.resumeFailures + 1 }))] },
        ],
        'op 9 d=false': { target: 'invalidSessionWait', actions: [ended, act((c) => ({ resumeFailures: c.resumeFailures + 1 })), identifyNext] },
        'RESUMED timeout': { target: 'backoff', actions: [ended, resumeFailed] },
      },
    },
    ready: {
      type: 'parallel',
      on: readyEvents,
      states: {
        heartbeat: {
          initial: 'waiting',
          states: {
            waiting: {
              on: {
                'heartbeat ACKed': { actions: noop },
                'server op 1': { actions: noop },
                'heartbeat ACK missing': 'awaitingAck',
              },
            },
            awaitingAck: {
              on: {
                'late ACK': 'waiting',
                'ACK missing again (zombie)': { target: '#shardModel.backoff', actions: ended },
              },
            },
          },
        },
        // READY/RESUMED, then an ACK, or one heartbeat interval with dispatches (the real shard's timer
        // HEALTHY_BY_TRAFFIC_AFTER fires with its first heartbeat: both are one interval after READY)
        health: {
          initial: 'proving',
          states: {
            proving: {
              on: {
                'heartbeat ACKed': { target: 'healthy', actions: becameHealthy },
                'server op 1': { target: 'healthy', actions: becameHealthy },
                'late ACK': { target: 'healthy', actions: becameHealthy },
                'heartbeat ACK missing': { guard: 'traffic', target: 'healthy', actions: becameHealthy },
              },
            },
            healthy: {},
          },
        },
      },
    },
    backoff: {
      on: {
        'backoff elapses': [
          { guard: 'credentialsRejected', target: 'failed' },
          { target: 'awaitingHello', actions: act({ refreshToken: false }) },
        ],
        'backoff elapses / gateway host hangs': { guard: not('credentialsRejected'), target: 'connecting', actions: act({ refreshToken: false }) },
      },
    },
    rateLimited: {
      on: { 'rate-limit wait elapses': 'awaitingHello' },
    },
    invalidSessionWait: {
      on: { 'op 9 wait elapses': 'awaitingHello' },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

interface Session extends PathSession<BotWorld> {
  recorder: TransitionRecorder;
}

function w(session: Session): BotWorld {
  if (!session.world) throw new Error('the bot has not been started');
  return session.world;
}

const conn = (world: BotWorld) => world.shard().value.connection;
const inSession = (world: BotWorld, sub: string) => {
  const c = conn(world) as { session?: unknown } | string;
  return typeof c === 'object' && c !== null && (c.session === sub || (typeof c.session === 'object' && sub in (c.session as object)));
};
const connectionIs = (world: BotWorld, state: string) => conn(world) === state;

/** Advances until the shard has left `state` (a timer of that state fired). */
async function elapse(session: Session, what: string, leaves: (world: BotWorld) => boolean, maxMs: number, stepMs = 500) {
  const world = w(session);
  await world.advanceUntil(() => !leaves(world), what, { maxMs, stepMs });
}

const frame = (world: BotWorld, op: number) => world.newestConnection()?.received.find((f) => f.op === op);

export function shardSpec(recorder: TransitionRecorder): ModelSpec<BotWorld, Session> {
  return {
    name: 'shard: gateway protocol',
    model: shardModel,
    session: () => ({ recorder }),
    // each transition with and without a session to resume (IDENTIFY vs RESUME next)
    variant: (state) => String((state.context as Ctx).resumable),
    stimuli: {
      start: async (s) => {
        s.world = await BotWorld.start(recorder);
        s.world.actor.send({ type: 'START' });
      },
      stop: (s) => void w(s).actor.send({ type: 'STOP' }),
      Hello: (s) => w(s).releaseHello(),
      READY: (s) => w(s).releaseReady(),
      RESUMED: (s) => w(s).releaseReady(),
      'Hello timeout': (s) => elapse(s, 'HELLO_TIMEOUT', (x) => inSession(x, 'awaitingHello'), 20_000),
      'READY timeout': (s) => elapse(s, 'READY_TIMEOUT', (x) => inSession(x, 'identifying'), 25_000),
      'RESUMED timeout': (s) => elapse(s, 'RESUMED_TIMEOUT', (x) => inSession(x, 'resuming'), 35_000),
      'connect timeout': (s) => elapse(s, 'CONNECT_TIMEOUT', (x) => inSession(x, 'connecting'), 20_000),
      'close 4009': (s) => void w(s).emu.closeSession(4009),
      'close 4006': (s) => void w(s).emu.closeSession(4006),
      'close 4004': (s) => void w(s).emu.closeSession(4004),
      'close 4004 / credentials rejected': (s) => {
        w(s).emu.failTokenEndpoint(1, '5xx', { status: 401 });
        w(s).emu.closeSession(4004);
      },
      'close 4008': (s) => void w(s).emu.closeSession(4008),
      'close 4001': (s) => void w(s).emu.closeSession(4001),
      'drop TCP (1006)': (s) => void w(s).emu.dropConnection(),
      'op 7 reconnect': (s) => void w(s).emu.sendReconnect(),
      'op 9 d=true': (s) => void w(s).emu.sendInvalidSession(true),
      'op 9 d=false': (s) => void w(s).emu.sendInvalidSession(false),
      dispatch: async (s) => {
        const world = w(s);
        const sent = world.emu.c2cMessage({ content: 'model dispatch' });
        expect(sent.delivered).toBe(true);
        await world.until(() => expect(world.shard().context.dispatches.seq).toBe(sent.s), 'the dispatch to reach the shard');
        expect(deliveredIds(world)).toContain(sent.id);
      },
      'duplicate dispatch': async (s) => {
        const world = w(s);
        const seq = world.shard().context.dispatches.seq;
        world.emu.sendRaw(JSON.stringify({ op: OpCode.Dispatch, s: seq, t: 'C2C_MESSAGE_CREATE', id: 'C2C_MESSAGE_CREATE:replayed', d: {} }));
        await world.until(() => world.shardDuplicates.get(0)?.some((d) => d.seq === seq), 'the duplicate to be dropped');
        expect(deliveredIds(world)).not.toContain('C2C_MESSAGE_CREATE:replayed');
      },
      'malformed frame': async (s) => {
        const world = w(s);
        world.emu.sendMalformed('bad-json');
        await world.until(() => world.shardEmitted.get(0)?.some((e) => e.type === 'shard.error' && e.error.code === 'PROTOCOL'), 'a protocol error');
      },
      'heartbeat ACKed': async (s) => {
        const world = w(s);
        const connection = world.newestConnection();
        const beats = connection?.heartbeats.length ?? 0;
        await world.advanceUntil(() => (connection?.heartbeats.length ?? 0) > beats && inSessionReady(world, 'waiting'), 'HEARTBEAT_INTERVAL', { maxMs: 12_000, stepMs: 1_000 });
        expect(connection?.sent.filter((f) => f.op === OpCode.HeartbeatAck).length).toBe(connection?.heartbeats.length);
      },
      'server op 1': async (s) => {
        const world = w(s);
        const connection = world.newestConnection();
        const beats = connection?.heartbeats.length ?? 0;
        world.emu.sendHeartbeatRequest();
        await world.until(() => (connection?.heartbeats.length ?? 0) > beats, 'the heartbeat answering op 1');
      },
      'heartbeat ACK missing': async (s) => {
        const world = w(s);
        world.emu.suspendHeartbeatAcks({ connection: world.newestConnection()?.id ?? 0 });
        await world.advanceUntil(() => inSessionReady(world, 'awaitingAck'), 'HEARTBEAT_INTERVAL', { maxMs: 12_000, stepMs: 1_000 });
      },
      'late ACK': (s) => void w(s).emu.sendRaw(JSON.stringify({ op: OpCode.HeartbeatAck })),
      'ACK missing again (zombie)': (s) => elapse(s, 'HEARTBEAT_INTERVAL (zombie)', (x) => inSession(x, 'ready'), 12_000, 1_000),
      'backoff elapses': (s) => elapse(s, 'RECONNECT_BACKOFF', (x) => connectionIs(x, 'backoff'), 2_000),
      'backoff elapses / gateway host hangs': async (s) => {
        w(s).hangNextConnection();
        await elapse(s, 'RECONNECT_BACKOFF', (x) => connectionIs(x, 'backoff'), 2_000);
      },

      'rate-limit wait elapses': (s) => elapse(s, 'RATE_LIMIT_WAIT', (x) => connectionIs(x, 'rateLimited'), 65_000, 5_000),
      'op 9 wait elapses': (s) => elapse(s, 'INVALID_SESSION_WAIT', (x) => connectionIs(x, 'invalidSessionWait'), 4_000),
    },
    check(session, state: AnyMachineSnapshot) {
      checkShard(session.world, state, state.context as Ctx);
    },
  };
}

/** Ids of every dispatch the shard delivered. */
function deliveredIds(world: BotWorld): unknown[] {
  return (world.shardDelivered.get(0) ?? []).map((d) => d.id);
}

function inSessionReady(world: BotWorld, heartbeat: string): boolean {
  return world.shard().matches({ connection: { session: { ready: { heartbeat } } } });
}


export function checkShard(world: BotWorld | undefined, state: AnyMachineSnapshot, ctx: Ctx): void {
  if (state.matches('unstarted')) {
    expect(world).toBeUndefined();
    return;
  }
  if (!world) throw new Error('no world');
  const shard = world.shard();
  const real = shard.context;
  const newest = world.newestConnection();
  const token = `QQBot ${world.newestToken()}`;
  if (state.matches('stopped')) {
    expect(shard.value.connection).toBe('stopped');
    expect(world.bot.value).toBe('stopped');
    for (const c of world.emu.connections) expect(c.closed).toBeDefined();
    return;
  }
  if (state.matches('failed')) {
    expect(shard.value.connection).toBe('failed');
    expect(real.error).not.toBeNull();
    expect(real.error).toSatisfy((e: unknown) => e instanceof QQGatewayError || e instanceof QQInvalidSessionError || e instanceof QQAuthError);
    expect(world.bot.value).toBe('failed');
    return;
  }
  // the context that decides the next step
  expect(real.sessionId !== null && real.dispatches.seq !== null, 'resumable').toBe(ctx.resumable);
  expect(real.refusals.identifyRejections, 'identifyRejections').toBe(ctx.rejections);
  expect(real.refusals.authFailures, 'authFailures').toBe(ctx.authFailures);
  expect(real.refusals.resumeFailures, 'resumeFailures').toBe(ctx.resumeFailures);
  expect(real.forceTokenRefresh, 'forceTokenRefresh').toBe(ctx.refreshToken);
  expect(Math.min(real.failedAttempts, failedCap), 'failedAttempts').toBe(ctx.failed);
  expect(real.sessionHealthy, 'sessionHealthy').toBe(ctx.healthy);
  if (state.matches('connecting')) {
    expect(shard.value.connection).toEqual({ session: 'connecting' });
    expect(world.hungSockets).toBeGreaterThan(0);
    return;
  }
  if (state.matches('awaitingHello')) {
    expect(shard.value.connection).toEqual({ session: 'awaitingHello' });
    expect(newest?.closed).toBeUndefined();
    expect(newest?.received).toEqual([]);
    return;
  }
  if (state.matches('identifying')) {
    expect(shard.value.connection).toEqual({ session: 'identifying' });
    const identify = frame(world, OpCode.Identify)?.d as { token: string; shard: number[] } | undefined;
    expect(identify?.token).toBe(token);
    expect(identify?.shard).toEqual([0, 1]);
    expect(frame(world, OpCode.Resume)).toBeUndefined();
    return;
  }
  if (state.matches('resuming')) {
    expect(shard.value.connection).toEqual({ session: 'resuming' });
    const resume = frame(world, OpCode.Resume)?.d as { token: string; session_id: string; seq: number } | undefined;
    expect(resume).toEqual({ token, session_id: real.sessionId, seq: real.dispatches.seq });
    expect(frame(world, OpCode.Identify)).toBeUndefined();
    return;
  }
  if (state.matches('ready')) {
    const heartbeat = state.matches({ ready: { heartbeat: 'waiting' } }) ? 'waiting' : 'awaitingAck';
    const health = state.matches({ ready: { health: 'healthy' } }) ? 'healthy' : 'proving';
    expect(shard.value.connection).toEqual({ session: { ready: { heartbeat, health } } });
    // the emulator sees this connection attached to the shard's session
    expect(newest?.sessionId).toBe(real.sessionId);
    expect(newest?.closed).toBeUndefined();
    if (heartbeat === 'awaitingAck') expect(newest?.heartbeats.at(-1)).toBe(real.dispatches.seq);
    return;
  }
  // backoff, rateLimited, invalidSessionWait: the connection is gone
  expect(shard.value.connection).toBe(state.value);
  expect(newest?.closed).toBeDefined();
}
