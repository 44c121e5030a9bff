/**
 * The transition gate's own tests: it counts a transition only when XState really took it, and it
 * fails on a machine file that no model gates.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { enumerateTransitions, measure, TransitionRecorder } from './support/coverage.js';
import { ungatedMachineFiles } from './support/gated.js';

/**
 * Two regions of a parallel state handle EV. Region `a`'s transition leaves the parallel state,
 * which exits region `b` too: the two conflict, and `a`'s (earlier in document order) wins.
 * XState selects both, then drops `b`'s.
 */
const conflicting = setup({ types: { events: {} as { type: 'EV' } } }).createMachine({
  id: 'conflict',
  initial: 'both',
  states: {
    both: {
      type: 'parallel',
      states: {
        a: { initial: 'a1', states: { a1: { on: { EV: '#conflict.done' } } } },
        b: { initial: 'b1', states: { b1: { on: { EV: 'b2' } }, b2: {} } },
      },
    },
    done: {},
  },
});

describe('transition coverage gate', () => {
  it('counts only the transitions taken after XState drops the conflicting ones', () => {
    const recorder = new TransitionRecorder();
    const actor = createActor(conflicting, { inspect: recorder.inspect }).start();
    actor.send({ type: 'EV' });
    expect(actor.getSnapshot().value).toBe('done');
    const keys = enumerateTransitions(conflicting).map((t) => t.key);
    const leave = keys.find((key) => key.startsWith('conflict.both.a.a1|EV'))!;
    const lost = keys.find((key) => key.startsWith('conflict.both.b.b1|EV'))!;
    expect(recorder.taken.has(leave)).toBe(true);
    // XState selected it (the inspection event lists it), but it was not taken
    expect(recorder.preempted.has(lost)).toBe(true);
    expect(recorder.taken.has(lost)).toBe(false);
    const [row] = measure([conflicting], recorder.taken);
    expect(row?.missing.map((t) => t.key)).toEqual([lost]);
    actor.stop();
  });

  it('every machine file under machines/ is gated (a new machine without a model fails here)', () => {
    expect(ungatedMachineFiles()).toEqual([]);
  });
});
