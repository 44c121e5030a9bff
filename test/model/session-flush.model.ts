import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { sessionFlushMachine } from '../../machines/session-flush.machine.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { WorkWorld } from './support/work-world.js';

/**
 * Session flush model: when the sessions are written. The real machine runs with a `save` actor
 * whose every call waits for the model to let it succeed or fail, on a simulated clock
 * (FLUSH_INTERVAL 1 s). The model says which writes must be in flight at each point.
 */
interface Ctx {
  again: boolean;
  stop: boolean;
}

type E = { type: string };

const set = (patch: Partial<Ctx>) => assign<Ctx, E, undefined, E, never>(patch);

export const sessionFlushModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: {
    stopRequested: ({ context }) => context.stop,
    askedAgain: ({ context }) => context.again,
  },
}).createMachine({
  id: 'sessionFlushModel',
  context: { again: false, stop: false },
  initial: 'unstarted',
  states: {
    unstarted: { on: { start: 'waiting' } },
    waiting: {
      on: {
        'FLUSH_INTERVAL passes': 'saving',
        'a session starts (FLUSH.NOW)': 'saving',
        'stop()': 'finalSave',
      },
    },
    saving: {
      on: {
        'a session starts (FLUSH.NOW)': { guard: ({ context }) => !context.again, actions: set({ again: true }) },
        'stop()': { guard: ({ context }) => !context.stop, actions: set({ stop: true }) },
        'the write succeeds': [
          { guard: 'stopRequested', target: 'finalSave', actions: set({ again: false }) },
          { guard: 'askedAgain', target: 'saving', actions: set({ again: false }) },
          { target: 'waiting' },
        ],
        'the write fails': [
          { guard: 'stopRequested', target: 'finalSave', actions: set({ again: false }) },
          { target: 'waiting', actions: set({ again: false }) },
        ],
      },
    },
    finalSave: {
      on: { 'the last write succeeds': 'done', 'the last write fails': 'done' },
    },
    done: { type: 'final' },
  },
});

type Session = PathSession<WorkWorld>;
const w = (s: Session): WorkWorld => {
  if (!s.world) throw new Error('not started');
  return s.world;
};

export function sessionFlushSpec(recorder: TransitionRecorder): ModelSpec<WorkWorld, Session> {
  return {
    name: 'sessionFlush',
    model: sessionFlushModel,
    session: () => ({}),
    stimuli: {
      start: async (s) => {
        s.world = await WorkWorld.start(recorder, sessionFlushMachine.provide({ delays: { FLUSH_INTERVAL: 1_000 } }), ['save']);
      },
      'FLUSH_INTERVAL passes': (s) => w(s).clock.increment(1_000),
      'a session starts (FLUSH.NOW)': (s) => w(s).actor.send({ type: 'FLUSH.NOW' }),
      'stop()': (s) => w(s).actor.send({ type: 'STOP' }),
      'the write succeeds': (s) => w(s).settleCall('save', { value: undefined }),
      'the write fails': (s) => w(s).settleCall('save', { error: new Error('store unreachable') }),
      'the last write succeeds': (s) => w(s).settleCall('save', { value: undefined }),
      'the last write fails': (s) => w(s).settleCall('save', { error: new Error('store unreachable') }),
    },
    check(session, state: AnyMachineSnapshot) {
      if (state.matches('unstarted')) return;
      const world = w(session);
      const snapshot = world.actor.getSnapshot();
      const ctx = state.context as Ctx;
      if (state.matches('done')) {
        expect(snapshot.status).toBe('done');
        expect(world.pending).toEqual([]);
        return;
      }
      expect(snapshot.value).toBe(state.value);
      // exactly one write in flight while saving: a periodic one, or the last one (final: true)
      const inFlight = world.pending.map((call) => (call.input as { final: boolean }).final);
      if (state.matches('waiting')) expect(inFlight).toEqual([]);
      if (state.matches('saving')) {
        expect(inFlight).toEqual([false]);
        expect(snapshot.context).toEqual({ again: ctx.again, stopRequested: ctx.stop });
      }
      if (state.matches('finalSave')) expect(inFlight).toEqual([true]);
    },
  };
}
