import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { OpCode } from '../../src/protocol/opcodes.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { BotWorld } from './support/world.js';

/**
 * Shard machine, second model: the `sessionAge` region (`maxSessionAgeMs`, identify afresh once a
 * session is that old) against the connection states it can interrupt. Same world as the protocol
 * model (real bot, emulator holding Hello and READY/RESUMED), with a 5 s maximum session age.
 *
 * "max session age elapses" advances the clock to the age deadline, which the model offers only
 * where no other timer comes first: Hello, READY and RESUMED timeouts (15–30 s) and the first
 * heartbeat (10 s) are all later, and at most two 1 s backoffs pass while a session ages.
 */
const MAX_SESSION_AGE_MS = 5_000;

interface Ctx {
  resumable: boolean;
  /** The sessionAge region counts (a READY started it and it has not expired). */
  counting: boolean;
  /** Backoffs since the READY that started the count (each 1 s of the 5 s). */
  backoffs: number;
}

type E = { type: string };
const set = (update: Partial<Ctx> | ((c: Ctx) => Partial<Ctx>)) =>
  assign<Ctx, E, undefined, E, never>(({ context }) => (typeof update === 'function' ? update(context) : update));
const expire = set({ resumable: false, counting: false });

export const shardAgeModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: {
    resumable: ({ context }) => context.resumable,
    counting: ({ context }) => context.counting,
    timeForABackoff: ({ context }) => context.backoffs < 2,
  },
}).createMachine({
  id: 'shardAgeModel',
  context: { resumable: false, counting: false, backoffs: 0 },
  initial: 'unstarted',
  on: { stop: '.stopped' },
  states: {
    unstarted: { on: { start: 'awaitingHello', stop: {} } },
    awaitingHello: {
      on: {
        Hello: [{ guard: 'resumable', target: 'resuming' }, { target: 'identifying' }],
        // the session is forgotten while we wait: the next handshake is an IDENTIFY
        'max session age elapses': { guard: 'counting', target: 'awaitingHello', actions: expire },
      },
    },
    identifying: {
      on: { READY: { target: 'ready', actions: set({ resumable: true, counting: true, backoffs: 0 }) } },
    },
    resuming: {
      on: {
        RESUMED: 'ready',
        'max session age elapses': { guard: 'counting', target: 'resuming', actions: expire },
      },
    },
    ready: {
      on: {
        'max session age elapses': { guard: 'counting', target: 'backoff', actions: expire },
        'close 4009': { guard: 'timeForABackoff', target: 'backoff', actions: set((c) => ({ backoffs: c.backoffs + 1 })) },
        'close 4006': { guard: 'timeForABackoff', target: 'backoff', actions: set((c) => ({ backoffs: c.backoffs + 1, resumable: false })) },
        'close 4001': 'failed',
      },
    },
    backoff: { on: { 'backoff elapses': 'awaitingHello' } },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

interface Session extends PathSession<BotWorld> {
  /** Simulated time of the READY that started the count. */
  readyAt?: number;
}

const w = (s: Session): BotWorld => {
  if (!s.world) throw new Error('the bot has not been started');
  return s.world;
};

export function shardAgeSpec(recorder: TransitionRecorder): ModelSpec<BotWorld, Session> {
  return {
    name: 'shard: session age',
    model: shardAgeModel,
    session: () => ({}),
    // READY starts the count, or restarts it when it is already counting
    variant: (state) => String((state.context as Ctx).counting),
    stimuli: {
      start: async (s) => {
        s.world = await BotWorld.start(recorder, { maxSessionAgeMs: MAX_SESSION_AGE_MS });
        s.world.actor.send({ type: 'START' });
      },
      stop: (s) => void w(s).actor.send({ type: 'STOP' }),
      Hello: (s) => w(s).releaseHello(),
      READY: (s) => {
        s.readyAt = w(s).clock.now();
        w(s).releaseReady();
      },
      RESUMED: (s) => w(s).releaseReady(),
      'max session age elapses': async (s) => {
        const world = w(s);
        await world.advanceUntil(() => world.shard().value.sessionAge === 'untracked', 'MAX_SESSION_AGE', { maxMs: MAX_SESSION_AGE_MS, stepMs: 250 });
        expect(world.clock.now() - (s.readyAt ?? 0)).toBeGreaterThanOrEqual(MAX_SESSION_AGE_MS);
      },
      'close 4009': (s) => void w(s).emu.closeSession(4009),
      'close 4006': (s) => void w(s).emu.closeSession(4006),
      'close 4001': (s) => void w(s).emu.closeSession(4001),
      'backoff elapses': async (s) => {
        const world = w(s);
        await world.advanceUntil(() => world.shard().value.connection !== 'backoff', 'RECONNECT_BACKOFF', { maxMs: 2_000 });
      },
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const world = session.world;
      if (state.matches('unstarted')) {
        expect(world).toBeUndefined();
        return;
      }
      if (!world) throw new Error('no world');
      const shard = world.shard();
      if (state.status === 'done') {
        expect(shard.value).toEqual({ connection: state.value, sessionAge: 'ended' });
        return;
      }
      expect(shard.value.sessionAge).toBe(ctx.counting ? 'counting' : 'untracked');
      expect(shard.context.sessionId !== null, 'resumable').toBe(ctx.resumable);
      const connection = state.value === 'backoff' ? 'backoff' : state.value === 'ready' ? { session: { ready: { heartbeat: 'waiting', health: 'proving' } } } : { session: state.value };
      expect(shard.value.connection).toEqual(connection);
      const newest = world.newestConnection();
      if (state.value === 'identifying') expect(newest?.received.map((f) => f.op)).toEqual([OpCode.Identify]);
      if (state.value === 'resuming') expect(newest?.received.map((f) => f.op)).toEqual([OpCode.Resume]);
    },
  };
}
