import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, type AnyActorRef } from 'xstate';
import { identifyCoordinationMachine, type IdentifyVerdict, type SlotRequest } from '../../machines/identify-coordination.machine.js';
import { identifyWindowMs } from '../../machines/identify-throttle.machine.js';

const turn = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function requester(received: string[]) {
  return createActor(fromCallback(({ receive }) => receive((event: { type: string }) => received.push(event.type)))).start() as unknown as AnyActorRef;
}

/** The coordinator double: answers from a script, records what it was asked. */
function harness(answers: (request: SlotRequest) => IdentifyVerdict | Error, input: { maxConcurrency?: number; remaining?: number } = {}) {
  const clock = new SimulatedClock();
  const asked: SlotRequest[] = [];
  const sent: SlotRequest[] = [];
  const emitted: string[] = [];
  const actor = createActor(
    identifyCoordinationMachine.provide({
      actors: {
        acquireSlot: fromPromise<IdentifyVerdict, SlotRequest>(async ({ input: request }) => {
          asked.push(request);
          const answer = answers(request);
          if (answer instanceof Error) throw answer;
          return answer;
        }),
        identifySent: fromPromise<void, SlotRequest>(async ({ input: request }) => void sent.push(request)),
      },
    }),
    { clock, input: { maxConcurrency: input.maxConcurrency ?? 2, remaining: input.remaining ?? 100, total: 1000, resetAfterMs: 86_400_000 } },
  ).start();
  actor.on('*', (event) => emitted.push(event.type));
  const ask = (shardId: number) => {
    const received: string[] = [];
    actor.send({ type: 'IDENTIFY.REQUEST', shardId, replyTo: requester(received) });
    return received;
  };
  return { clock, actor, asked, sent, emitted, ask };
}

describe('identify coordination', () => {
  it('confirms every local grant with the coordinator before the shard may identify', async () => {
    const h = harness(() => ({ granted: true }));
    const s0 = h.ask(0);
    const s1 = h.ask(1);
    expect(s0).toEqual([]); // not before the coordinator answered
    await turn();
    expect([s0, s1]).toEqual([['IDENTIFY.GRANTED'], ['IDENTIFY.GRANTED']]);
    expect(h.asked.map((r) => [r.shardId, r.bucket, r.remaining])).toEqual([
      [0, 0, 100],
      [1, 1, 100],
    ]);
  });

  it('waits while another process holds the bucket, then asks again', async () => {
    let busy = true;
    const h = harness(() => (busy ? { granted: false, reason: 'bucket-busy', retryAfterMs: 3_000 } : { granted: true }));
    const s0 = h.ask(0);
    await turn();
    expect(s0).toEqual([]);
    expect(h.actor.getSnapshot().value).toBe('bucketBusy');
    busy = false;
    h.clock.increment(2_999);
    await turn();
    expect(h.asked).toHaveLength(1);
    h.clock.increment(1);
    await turn();
    expect(s0).toEqual(['IDENTIFY.GRANTED']);
    expect(h.asked).toHaveLength(2);
  });

  it('denies when the shared budget is spent', async () => {
    const h = harness(() => ({ granted: false, reason: 'budget-exhausted', message: 'shared budget spent' }));
    const s0 = h.ask(0);
    await turn();
    expect(s0).toEqual(['IDENTIFY.DENIED']);
  });

  it('holds identifies while the coordinator is unreachable, reports it once, and says when it is back', async () => {
    let down = true;
    const h = harness(() => (down ? new Error('connect ECONNREFUSED') : { granted: true }));
    const s0 = h.ask(0);
    await turn();
    h.clock.increment(1_000);
    await turn();
    expect(s0).toEqual([]);
    expect(h.asked).toHaveLength(2);
    expect(h.emitted).toEqual(['coordination.unavailable']);
    expect(h.actor.getSnapshot().context.lastError?.code).toBe('COORDINATION');
    down = false;
    h.clock.increment(1_000);
    await turn();
    expect(s0).toEqual(['IDENTIFY.GRANTED']);
    expect(h.emitted).toEqual(['coordination.unavailable', 'coordination.restored']);
  });

  it('passes IDENTIFY.SENT to the local throttle and to the coordinator', async () => {
    const h = harness(() => ({ granted: true }), { maxConcurrency: 1 });
    const s0 = h.ask(0);
    const s1 = h.ask(1);
    await turn();
    expect([s0, s1]).toEqual([['IDENTIFY.GRANTED'], []]);
    h.actor.send({ type: 'IDENTIFY.SENT', shardId: 0 });
    await turn();
    expect(h.sent.map((r) => r.shardId)).toEqual([0]);
    // the local window restarted at SENT: still one per window in this process
    h.clock.increment(identifyWindowMs - 1);
    await turn();
    expect(s1).toEqual([]);
    h.clock.increment(1);
    await turn();
    expect(s1).toEqual(['IDENTIFY.GRANTED']);
  });
});
