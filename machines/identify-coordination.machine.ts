import { assertEvent, assign, enqueueActions, fromPromise, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { QQBotError } from '../src/errors.js';
import { identifyThrottleMachine, identifyWindowMs, type IdentifyThrottleInput } from './identify-throttle.machine.js';
import type { IdentifyRequest } from './shard.machine.js';

/**
 * IDENTIFY across processes: the local throttle (machines/identify-throttle.machine.ts) paces this
 * process's shards as before; each slot it grants is then confirmed by a coordinator every process of
 * the bot shares (src/redis/identify-coordinator.ts): the bucket's window (`shard_id %
 * max_concurrency`, one IDENTIFY per 5 s across all processes) and one session start from the shared
 * `session_start_limit` budget. Registered under the throttle's system id, so shards see no difference.
 *
 *   idle → confirming → idle | bucketBusy → confirming | unavailable → confirming
 *
 * Confirmations go one at a time, oldest grant first. A coordinator that cannot answer (Redis down)
 * holds the identify back until it can: running shards are not affected, only new sessions wait.
 */
export type IdentifyVerdict =
  | { granted: true }
  | { granted: false; reason: 'bucket-busy'; retryAfterMs: number }
  | { granted: false; reason: 'budget-exhausted'; message: string };

export interface SlotRequest {
  shardId: number;
  bucket: number;
  windowMs: number;
  /** This process's view of `session_start_limit`, to seed the shared budget when it is not known yet. */
  remaining: number;
  resetAfterMs: number;
}

interface Waiting {
  shardId: number;
  replyTo: AnyActorRef;
}

export interface IdentifyCoordinationContext {
  input: IdentifyThrottleInput;
  /** Shards that asked, by id: where the answer goes. */
  waiting: Waiting[];
  /** Shards the local throttle granted, waiting for the coordinator, oldest first. */
  confirmQueue: number[];
  retryAfterMs: number;
  lastError: QQBotError | null;
}

export type IdentifyCoordinationEvent =
  | IdentifyRequest
  | { type: 'IDENTIFY.SENT'; shardId: number }
  | { type: 'IDENTIFY.GRANTED'; shardId: number }
  | { type: 'IDENTIFY.DENIED'; shardId: number; reason: string };

export type IdentifyCoordinationEmitted = { type: 'coordination.unavailable'; error: QQBotError } | { type: 'coordination.restored' };

const bucketOf = (context: IdentifyCoordinationContext, shardId: number) => shardId % Math.max(1, context.input.maxConcurrency);

export const identifyCoordinationMachine = setup({
  types: {
    context: {} as IdentifyCoordinationContext,
    events: {} as IdentifyCoordinationEvent,
    input: {} as IdentifyThrottleInput,
    emitted: {} as IdentifyCoordinationEmitted,
  },
  actors: {
    localThrottle: identifyThrottleMachine,
    acquireSlot: fromPromise<IdentifyVerdict, SlotRequest>(async () => ({ granted: true })),
    /** The IDENTIFY went out: the bucket's shared window restarts from now. Failures are ignored. */
    identifySent: fromPromise<void, SlotRequest>(async () => undefined),
  },
  guards: {
    hasGrantToConfirm: ({ context }) => context.confirmQueue.length > 0,
  },
  actions: {
    forwardRequest: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'IDENTIFY.REQUEST');
      const request: IdentifyRequest = event;
      enqueue.assign({ waiting: [...context.waiting.filter((w) => w.shardId !== request.shardId), { shardId: request.shardId, replyTo: request.replyTo }] });
      enqueue.sendTo('localThrottle', { type: 'IDENTIFY.REQUEST', shardId: request.shardId, replyTo: self });
    }),
    queueConfirmation: assign({
      confirmQueue: ({ context, event }) => {
        assertEvent(event, 'IDENTIFY.GRANTED');
        return [...context.confirmQueue, event.shardId];
      },
    }),
    answer: enqueueActions(({ context, enqueue }, params: { shardId: number; answer: { type: 'IDENTIFY.GRANTED' } | { type: 'IDENTIFY.DENIED'; reason: string } }) => {
      const waiting = context.waiting.find((w) => w.shardId === params.shardId);
      if (waiting) enqueue.sendTo(waiting.replyTo, params.answer);
      enqueue.assign({ waiting: context.waiting.filter((w) => w.shardId !== params.shardId) });
    }),
    forwardSent: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'IDENTIFY.SENT');
      const { shardId } = event;
      enqueue.sendTo('localThrottle', { type: 'IDENTIFY.SENT', shardId });
      enqueue.spawnChild('identifySent', {
        input: { shardId, bucket: bucketOf(context, shardId), windowMs: identifyWindowMs, remaining: context.input.remaining, resetAfterMs: context.input.resetAfterMs },
      });
    }),
    /** The coordinator answered: if it had been unavailable, say it is back. */
    markAvailable: enqueueActions(({ context, enqueue }) => {
      if (!context.lastError) return;
      enqueue.assign({ lastError: null });
      enqueue.emit({ type: 'coordination.restored' });
    }),
  },
  delays: {
    /** Until the other process's window in the bucket ends (from the coordinator). */
    BUCKET_BUSY: ({ context }) => Math.max(50, context.retryAfterMs),
    /** How often an unavailable coordinator is asked again. */
    COORDINATOR_RETRY: 1_000,
  },
}).createMachine({
  id: 'identifyCoordination',
  context: ({ input }) => ({ input, waiting: [], confirmQueue: [], retryAfterMs: identifyWindowMs, lastError: null }),
  invoke: { id: 'localThrottle', src: 'localThrottle', input: ({ context }) => context.input },
  on: {
    'IDENTIFY.REQUEST': { actions: 'forwardRequest' },
    'IDENTIFY.DENIED': {
      actions: enqueueActions(({ event, enqueue }) => {
        enqueue({ type: 'answer', params: { shardId: event.shardId, answer: { type: 'IDENTIFY.DENIED', reason: event.reason } } });
      }),
    },
    'IDENTIFY.SENT': { actions: 'forwardSent' },
  },
  initial: 'idle',
  states: {
    idle: {
      always: { guard: 'hasGrantToConfirm', target: 'confirming' },
      on: { 'IDENTIFY.GRANTED': { target: 'confirming', actions: 'queueConfirmation' } },
    },
    confirming: {
      on: { 'IDENTIFY.GRANTED': { actions: 'queueConfirmation' } },
      invoke: {
        id: 'acquireSlot',
        src: 'acquireSlot',
        input: ({ context }) => {
          const shardId = context.confirmQueue[0] as number;
          return { shardId, bucket: bucketOf(context, shardId), windowMs: identifyWindowMs, remaining: context.input.remaining, resetAfterMs: context.input.resetAfterMs };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.granted,
            target: 'idle',
            actions: [
              'markAvailable',
              enqueueActions(({ context, enqueue }) => {
                const shardId = context.confirmQueue[0] as number;
                enqueue.assign({ confirmQueue: context.confirmQueue.slice(1) });
                enqueue({ type: 'answer', params: { shardId, answer: { type: 'IDENTIFY.GRANTED' } } });
              }),
            ],
          },
          {
            guard: ({ event }) => !event.output.granted && event.output.reason === 'bucket-busy',
            target: 'bucketBusy',
            actions: ['markAvailable', assign({ retryAfterMs: ({ event }) => (event.output.granted || event.output.reason !== 'bucket-busy' ? identifyWindowMs : event.output.retryAfterMs) })],
          },
          {
            target: 'idle',
            actions: ['markAvailable', enqueueActions(({ context, event, enqueue }) => {
              const shardId = context.confirmQueue[0] as number;
              const reason = !event.output.granted && event.output.reason === 'budget-exhausted' ? event.output.message : 'session_start_limit exhausted';
              enqueue.assign({ confirmQueue: context.confirmQueue.slice(1) });
              enqueue({ type: 'answer', params: { shardId, answer: { type: 'IDENTIFY.DENIED', reason } } });
            })],
          },
        ],
        onError: {
          target: 'unavailable',
          actions: enqueueActions(({ context, event, enqueue }) => {
            const cause = event.error;
            const error = new QQBotError(
              'COORDINATION',
              `Identify coordination is unavailable (${cause instanceof Error ? cause.message : String(cause)}); new sessions wait for it, running shards carry on`,
              { cause },
            );
            enqueue.assign({ lastError: error });
            if (!context.lastError) enqueue.emit({ type: 'coordination.unavailable', error });
          }),
        },
      },
    },
    bucketBusy: {
      on: { 'IDENTIFY.GRANTED': { actions: 'queueConfirmation' } },
      after: { BUCKET_BUSY: 'confirming' },
    },
    unavailable: {
      on: { 'IDENTIFY.GRANTED': { actions: 'queueConfirmation' } },
      after: { COORDINATOR_RETRY: 'confirming' },
    },
  },
});

export type IdentifyCoordinationActorRef = ActorRefFrom<typeof identifyCoordinationMachine>;
