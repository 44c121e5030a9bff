import { describe, expect, it } from 'vitest';
import { DispatchSequencer } from '../../machines/dispatch-sequencer.js';
import type { DispatchFrame } from '../../machines/shard.events.js';

const frame = (seq: number | null, id: string | null): DispatchFrame => ({ eventType: 'C2C_MESSAGE_CREATE', seq, id, data: {} });

function listen(sequencer: DispatchSequencer) {
  const delivered: Array<string | null> = [];
  const dropped: Array<string | null> = [];
  const unsubscribe = sequencer.subscribe({ dispatch: (d) => delivered.push(d.id), duplicate: (d) => dropped.push(d.id) });
  return { delivered, dropped, unsubscribe };
}

describe('dispatch sequencer', () => {
  it('delivers in order once, advancing seq; drops replays (s <= seq) and repeated ids', () => {
    const sequencer = new DispatchSequencer();
    const { delivered, dropped } = listen(sequencer);
    sequencer.startSession(1);
    const gate = sequencer.gate();
    for (const [seq, id] of [[2, 'a'], [2, 'a'], [1, 'old'], [null, 'b'], [null, 'b'], [3, 'a'], [3, 'c']] as const) gate.accept(frame(seq, id));
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(dropped).toEqual(['a', 'old', 'b', 'a']);
    expect(sequencer.seq).toBe(3);
    expect(sequencer.toJSON()).toEqual({ seq: 3, delivered: 3, duplicates: 4, recentIds: 3 });
  });

  it('a gate stops delivering once the gates are closed; a new gate delivers', () => {
    const sequencer = new DispatchSequencer();
    const { delivered } = listen(sequencer);
    const old = sequencer.gate();
    old.accept(frame(1, 'x'));
    sequencer.closeGates();
    old.accept(frame(2, 'stale'));
    const fresh = sequencer.gate();
    old.accept(frame(3, 'stale-again'));
    fresh.accept(frame(2, 'y'));
    expect(delivered).toEqual(['x', 'y']);
    expect(sequencer.seq).toBe(2);
  });

  it('forget() clears seq so a new session may number from 1 again; RESUMED with a seq moves it', () => {
    const sequencer = new DispatchSequencer();
    const { delivered } = listen(sequencer);
    const gate = sequencer.gate();
    gate.accept(frame(9, 'a'));
    sequencer.forget();
    expect(sequencer.seq).toBeNull();
    gate.accept(frame(1, 'b'));
    expect(delivered).toEqual(['a', 'b']);
    sequencer.resumedAt(null);
    expect(sequencer.seq).toBe(1);
    sequencer.resumedAt(5);
    gate.accept(frame(5, 'c'));
    expect(delivered).toEqual(['a', 'b']);
  });

  it('unsubscribed listeners hear nothing more', () => {
    const sequencer = new DispatchSequencer();
    const first = listen(sequencer);
    const second = listen(sequencer);
    sequencer.gate().accept(frame(1, 'a'));
    first.unsubscribe();
    sequencer.gate().accept(frame(2, 'b'));
    expect(first.delivered).toEqual(['a']);
    expect(second.delivered).toEqual(['a', 'b']);
  });
});
