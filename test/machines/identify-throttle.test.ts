import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import { identifyThrottleMachine, identifyWindowMs } from '../../machines/identify-throttle.machine.js';

/** A stand-in shard that records what the throttle answers it. */
function requester(received: string[]) {
  return createActor(fromCallback(({ receive }) => receive((event: { type: string }) => received.push(event.type)))).start() as unknown as AnyActorRef;
}

function harness(input: { maxConcurrency: number; remaining: number; total?: number; resetAfterMs?: number }) {
  const clock = new SimulatedClock();
  const throttle = createActor(identifyThrottleMachine, {
    clock,
    input: { total: input.total ?? 1000, resetAfterMs: input.resetAfterMs ?? 86_400_000, ...input },
  }).start();
  const ask = (shardId: number) => {
    const received: string[] = [];
    throttle.send({ type: 'IDENTIFY.REQUEST', shardId, replyTo: requester(received) });
    return received;
  };
  return { clock, throttle, ask };
}

describe('identify throttle', () => {
  it('grants one identify per bucket per window (5 s plus a margin)', () => {
    const h = harness({ maxConcurrency: 2, remaining: 100 });
    const s0 = h.ask(0);
    const s1 = h.ask(1);
    const s2 = h.ask(2); // bucket 0 again
    expect([s0, s1, s2]).toEqual([['IDENTIFY.GRANTED'], ['IDENTIFY.GRANTED'], []]);
    h.clock.increment(identifyWindowMs - 1);
    expect(s2).toEqual([]);
    h.clock.increment(1);
    expect(s2).toEqual(['IDENTIFY.GRANTED']);
    expect(identifyWindowMs).toBeGreaterThan(5_000);
  });

  it('denies once session_start_limit.remaining is spent, and refills after reset_after', () => {
    const h = harness({ maxConcurrency: 1, remaining: 1, total: 5, resetAfterMs: 60_000 });
    expect(h.ask(0)).toEqual(['IDENTIFY.GRANTED']);
    h.clock.increment(identifyWindowMs);
    expect(h.ask(0)).toEqual(['IDENTIFY.DENIED']);
    h.clock.increment(60_000);
    expect(h.ask(0)).toEqual(['IDENTIFY.GRANTED']);
    expect(h.throttle.getSnapshot().context.remaining).toBe(4);
  });
});
