import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { shardLeaseMachine } from '../../machines/shard-lease.machine.js';

const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function harness(options: { failRenew?: boolean } = {}) {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const actor = createActor(
    shardLeaseMachine.provide({
      actors: {
        renew: fromPromise<void, void>(async () => {
          calls.push('renew');
          if (options.failRenew) throw new Error('redis down');
        }),
        leave: fromPromise<void, void>(() => {
          calls.push('leave');
          return new Promise<void>((resolve) => (release = resolve));
        }),
      },
      delays: { RENEW_INTERVAL: 1_000 },
    }),
    { clock },
  ).start();
  return { clock, calls, actor, release: () => release?.() };
}

describe('shard lease rounds', () => {
  it('renews at once, then every RENEW_INTERVAL', async () => {
    const h = harness();
    await turn();
    expect(h.calls).toEqual(['renew']);
    h.clock.increment(999);
    await turn();
    expect(h.calls).toEqual(['renew']);
    h.clock.increment(1);
    await turn();
    expect(h.calls).toEqual(['renew', 'renew']);
  });

  it('keeps renewing after a failed round (the coordinator may come back)', async () => {
    const h = harness({ failRenew: true });
    await turn();
    h.clock.increment(1_000);
    await turn();
    expect(h.calls).toEqual(['renew', 'renew']);
    expect(h.actor.getSnapshot().value).toBe('waiting');
  });

  it('STOP gives the leases back once, then ends; a STOP during a round waits for it', async () => {
    const h = harness();
    h.actor.send({ type: 'STOP' }); // during the first round
    await turn();
    expect(h.calls).toEqual(['renew', 'leave']);
    expect(h.actor.getSnapshot().status).toBe('active');
    h.release();
    await turn();
    expect(h.actor.getSnapshot().status).toBe('done');
    h.clock.increment(10_000);
    await turn();
    expect(h.calls).toEqual(['renew', 'leave']);
  });
});
