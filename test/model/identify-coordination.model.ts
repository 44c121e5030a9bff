import { expect } from 'vitest';
import { assign, createActor, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot } from 'xstate';
import { identifyCoordinationMachine } from '../../machines/identify-coordination.machine.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { WorkWorld } from './support/work-world.js';

/**
 * Identify coordination model: three shards (buckets 0, 1, 2 of max_concurrency 3) ask for slots;
 * the local throttle has two session starts left, so the third is denied locally; every local grant
 * is confirmed by a coordinator whose answers (grant, bucket busy, budget spent, unreachable) the
 * model chooses. The real machine runs with the real local throttle inside it.
 */
type Answer = 'granted' | 'denied' | null;

interface Ctx {
  asked: boolean[];
  localLeft: number;
  queue: number[];
  answers: Answer[];
  sent: boolean[];
  down: boolean;
}

type E = { type: string };
const SHARDS = [0, 1, 2] as const;

const ask = (k: number) => (c: Ctx): Ctx => {
  const asked = c.asked.map((a, i) => (i === k ? true : a));
  if (c.localLeft > 0) return { ...c, asked, localLeft: c.localLeft - 1, queue: [...c.queue, k] };
  return { ...c, asked, answers: c.answers.map((a, i) => (i === k ? 'denied' : a)) };
};
const answerHead = (answer: Answer) => (c: Ctx): Ctx => {
  const head = c.queue[0] as number;
  return { ...c, down: false, queue: c.queue.slice(1), answers: c.answers.map((a, i) => (i === head ? answer : a)) };
};
const update = (f: (c: Ctx) => Ctx) => assign<Ctx, E, undefined, E, never>(({ context }) => f(context));
const hasMoreAfterHead = ({ context }: { context: Ctx }) => context.queue.length > 1;

function asks(target?: string) {
  return Object.fromEntries(
    SHARDS.map((k) => [
      `shard ${k} asks`,
      [
        // the local throttle grants: the grant goes to the coordinator
        { guard: ({ context }: { context: Ctx }) => !context.asked[k] && context.localLeft > 0, ...(target ? { target } : {}), actions: update(ask(k)) },
        { guard: ({ context }: { context: Ctx }) => !context.asked[k], actions: update(ask(k)) },
      ],
    ]),
  );
}

const sends = Object.fromEntries(
  SHARDS.map((k) => [
    `shard ${k} sends its IDENTIFY`,
    {
      guard: ({ context }: { context: Ctx }) => context.answers[k] === 'granted' && !context.sent[k],
      actions: update((c) => ({ ...c, sent: c.sent.map((s, i) => (i === k ? true : s)) })),
    },
  ]),
);

export const identifyCoordinationModel = setup({ types: { context: {} as Ctx, events: {} as E } }).createMachine({
  id: 'identifyCoordinationModel',
  context: { asked: [false, false, false], localLeft: 2, queue: [], answers: [null, null, null], sent: [false, false, false], down: false },
  initial: 'unstarted',
  on: sends,
  states: {
    unstarted: { on: { start: 'idle' } },
    idle: { on: asks('confirming') },
    confirming: {
      on: {
        ...asks(),
        'the coordinator grants': [
          { guard: hasMoreAfterHead, target: 'confirming', reenter: true, actions: update(answerHead('granted')) },
          { target: 'idle', actions: update(answerHead('granted')) },
        ],
        'the coordinator says the bucket is busy': { target: 'bucketBusy', actions: update((c) => ({ ...c, down: false })) },
        'the coordinator says the budget is spent': [
          { guard: hasMoreAfterHead, target: 'confirming', reenter: true, actions: update(answerHead('denied')) },
          { target: 'idle', actions: update(answerHead('denied')) },
        ],
        'the coordinator is unreachable': { target: 'unavailable', actions: update((c) => ({ ...c, down: true })) },
      },
    },
    bucketBusy: { on: { ...asks(), "the other process's window ends": 'confirming' } },
    unavailable: { on: { ...asks(), 'COORDINATOR_RETRY passes': 'confirming' } },
  },
});

interface Session extends PathSession<WorkWorld> {
  received: string[][];
  requesters: AnyActorRef[];
}

const w = (s: Session): WorkWorld => {
  if (!s.world) throw new Error('not started');
  return s.world;
};

export function identifyCoordinationSpec(recorder: TransitionRecorder): ModelSpec<WorkWorld, Session> {
  const answer = (value: unknown) => (s: Session) => w(s).settleCall('acquireSlot', { value });
  return {
    name: 'identifyCoordination',
    model: identifyCoordinationModel,
    session: () => ({ received: [[], [], []], requesters: [] }),
    // what a step does depends on who is queued and what the local throttle has left
    variant: (state) => {
      const c = state.context as Ctx;
      return JSON.stringify([c.queue.length, c.localLeft > 0]);
    },
    stimuli: {
      start: async (s) => {
        s.world = await WorkWorld.start(recorder, identifyCoordinationMachine.provide({ delays: { COORDINATOR_RETRY: 1_000 } }), ['acquireSlot', 'identifySent'], {
          maxConcurrency: 3,
          remaining: 2,
          total: 1000,
          resetAfterMs: 86_400_000,
        });
        s.requesters = SHARDS.map((k) =>
          createActor(fromCallback(({ receive }) => receive((event: { type: string }) => void s.received[k]?.push(event.type)))).start() as unknown as AnyActorRef,
        );
      },
      ...Object.fromEntries(SHARDS.map((k) => [`shard ${k} asks`, (s: Session) => w(s).actor.send({ type: 'IDENTIFY.REQUEST', shardId: k, replyTo: s.requesters[k] })])),
      ...Object.fromEntries(SHARDS.map((k) => [`shard ${k} sends its IDENTIFY`, (s: Session) => w(s).actor.send({ type: 'IDENTIFY.SENT', shardId: k })])),
      'the coordinator grants': answer({ granted: true }),
      'the coordinator says the bucket is busy': answer({ granted: false, reason: 'bucket-busy', retryAfterMs: 3_000 }),
      'the coordinator says the budget is spent': answer({ granted: false, reason: 'budget-exhausted', message: 'shared budget spent' }),
      'the coordinator is unreachable': (s) => w(s).settleCall('acquireSlot', { error: new Error('ECONNREFUSED') }),
      "the other process's window ends": (s) => w(s).clock.increment(3_000),
      'COORDINATOR_RETRY passes': (s) => w(s).clock.increment(1_000),
    },
    check(session, state: AnyMachineSnapshot) {
      if (state.matches('unstarted')) return;
      const world = w(session);
      const ctx = state.context as Ctx;
      const snapshot = world.actor.getSnapshot();
      expect(snapshot.value).toBe(state.value);
      expect(snapshot.context.confirmQueue).toEqual(ctx.queue);
      // each shard heard exactly its answer, once
      ctx.answers.forEach((a, k) => expect(session.received[k]).toEqual(a === null ? [] : [a === 'granted' ? 'IDENTIFY.GRANTED' : 'IDENTIFY.DENIED']));
      // one confirmation in flight while confirming, for the oldest grant
      const asking = world.pending.filter((call) => call.actor === 'acquireSlot').map((call) => (call.input as { shardId: number }).shardId);
      expect(asking).toEqual(state.matches('confirming') ? [ctx.queue[0]] : []);
      // the coordinator hears of every IDENTIFY sent, with the shard's bucket
      expect(world.calls.filter((call) => call.actor === 'identifySent').map((call) => (call.input as { bucket: number }).bucket).sort()).toEqual(
        SHARDS.filter((k) => ctx.sent[k]).map((k) => k % 3),
      );
      // unreachable reported once per outage, and its end
      expect(snapshot.context.lastError !== null).toBe(ctx.down);
      const emitted = world.emitted;
      expect(emitted.filter((e) => e === 'coordination.unavailable').length - emitted.filter((e) => e === 'coordination.restored').length).toBe(ctx.down ? 1 : 0);
    },
  };
}
