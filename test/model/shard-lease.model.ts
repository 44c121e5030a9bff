import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { shardLeaseMachine } from '../../machines/shard-lease.machine.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { WorkWorld } from './support/work-world.js';

/**
 * Shard lease model: when a process runs lease rounds and when it leaves. The real machine's
 * `renew` and `leave` calls wait for the model; RENEW_INTERVAL is 1 s of simulated time.
 */
interface Ctx {
  stop: boolean;
}
type E = { type: string };

export const shardLeaseModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: { stopRequested: ({ context }) => context.stop },
}).createMachine({
  id: 'shardLeaseModel',
  context: { stop: false },
  initial: 'unstarted',
  states: {
    unstarted: { on: { start: 'renewing' } },
    renewing: {
      on: {
        'stop()': { guard: ({ context }) => !context.stop, actions: assign({ stop: true }) },
        'the round succeeds': [{ guard: 'stopRequested', target: 'leaving' }, { target: 'waiting' }],
        'the round fails (Redis down)': [{ guard: 'stopRequested', target: 'leaving' }, { target: 'waiting' }],
      },
    },
    waiting: {
      on: { 'RENEW_INTERVAL passes': 'renewing', 'stop()': 'leaving' },
    },
    leaving: {
      on: { 'the leases are given back': 'done', 'giving them back fails': 'done' },
    },
    done: { type: 'final' },
  },
});

type Session = PathSession<WorkWorld>;
const w = (s: Session): WorkWorld => {
  if (!s.world) throw new Error('not started');
  return s.world;
};

export function shardLeaseSpec(recorder: TransitionRecorder): ModelSpec<WorkWorld, Session> {
  return {
    name: 'shardLease',
    model: shardLeaseModel,
    session: () => ({}),
    stimuli: {
      start: async (s) => {
        s.world = await WorkWorld.start(recorder, shardLeaseMachine.provide({ delays: { RENEW_INTERVAL: 1_000 } }), ['renew', 'leave']);
      },
      'RENEW_INTERVAL passes': (s) => w(s).clock.increment(1_000),
      'stop()': (s) => w(s).actor.send({ type: 'STOP' }),
      'the round succeeds': (s) => w(s).settleCall('renew', { value: undefined }),
      'the round fails (Redis down)': (s) => w(s).settleCall('renew', { error: new Error('ECONNREFUSED') }),
      'the leases are given back': (s) => w(s).settleCall('leave', { value: undefined }),
      'giving them back fails': (s) => w(s).settleCall('leave', { error: new Error('ECONNREFUSED') }),
    },
    check(session, state: AnyMachineSnapshot) {
      if (state.matches('unstarted')) return;
      const world = w(session);
      const snapshot = world.actor.getSnapshot();
      const inFlight = world.pending.map((call) => call.actor);
      if (state.matches('done')) {
        expect(snapshot.status).toBe('done');
        expect(inFlight).toEqual([]);
        // it left exactly once, and renewed no more after STOP
        expect(world.calls.filter((call) => call.actor === 'leave')).toHaveLength(1);
        return;
      }
      expect(snapshot.value).toBe(state.value);
      expect(inFlight).toEqual(state.matches('renewing') ? ['renew'] : state.matches('leaving') ? ['leave'] : []);
    },
  };
}
