import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { sessionFlushMachine } from '../../machines/session-flush.machine.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function harness(options: { slow?: boolean } = {}) {
  const clock = new SimulatedClock();
  const saves: boolean[] = [];
  const pending: (() => void)[] = [];
  const actor = createActor(
    sessionFlushMachine.provide({
      actors: {
        save: fromPromise<void, { final: boolean }>(async ({ input }) => {
          saves.push(input.final);
          if (options.slow) await new Promise<void>((resolve) => pending.push(resolve));
        }),
      },
      delays: { FLUSH_INTERVAL: 1_000 },
    }),
    { clock },
  ).start();
  return { clock, saves, actor, release: () => pending.splice(0).forEach((resolve) => resolve()) };
}

describe('session flush', () => {
  it('saves every FLUSH_INTERVAL, not before', async () => {
    const h = harness();
    h.clock.increment(999);
    await turn();
    expect(h.saves).toEqual([]);
    h.clock.increment(1);
    await turn();
    expect(h.saves).toEqual([false]);
    h.clock.increment(1_000);
    await turn();
    expect(h.saves).toEqual([false, false]);
  });

  it('saves at once on FLUSH.NOW (a new session must not wait for the interval)', async () => {
    const h = harness();
    h.actor.send({ type: 'FLUSH.NOW' });
    await turn();
    expect(h.saves).toEqual([false]);
  });

  it('on STOP saves a last time and ends; a STOP during a save waits for it and then saves again', async () => {
    const h = harness({ slow: true });
    h.actor.send({ type: 'FLUSH.NOW' });
    await turn();
    h.actor.send({ type: 'STOP' });
    await turn();
    expect(h.saves).toEqual([false]);
    h.release();
    await turn();
    expect(h.saves).toEqual([false, true]);
    expect(h.actor.getSnapshot().status).toBe('active');
    h.release();
    await turn();
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('a FLUSH.NOW during a save saves again right after it', async () => {
    const h = harness({ slow: true });
    h.actor.send({ type: 'FLUSH.NOW' });
    await turn();
    h.actor.send({ type: 'FLUSH.NOW' });
    h.release();
    await turn();
    expect(h.saves).toEqual([false, false]);
  });

  it('keeps flushing after a failed save', async () => {
    const clock = new SimulatedClock();
    let calls = 0;
    const actor = createActor(
      sessionFlushMachine.provide({
        actors: {
          save: fromPromise<void, { final: boolean }>(async () => {
            calls += 1;
            throw new Error('store down');
          }),
        },
      }),
      { clock },
    ).start();
    clock.increment(1_000);
    await turn();
    clock.increment(1_000);
    await turn();
    expect(calls).toBe(2);
    expect(actor.getSnapshot().value).toBe('waiting');
  });
});
