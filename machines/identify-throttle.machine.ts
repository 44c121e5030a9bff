import { assign, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import type { IdentifyRequest } from './shard.machine.js';

/**
 * Paces IDENTIFYs as `session_start_limit` demands (reference §3.2): at most one per bucket per
 * 5 s window, bucket = `shard_id % max_concurrency`, and none once `remaining` is spent (until
 * `reset_after` has passed). Shards ask with IDENTIFY.REQUEST and wait for GRANTED or DENIED.
 */
export interface IdentifyThrottleInput {
  maxConcurrency: number;
  remaining: number;
  total: number;
  resetAfterMs: number;
}

interface Waiting {
  shardId: number;
  replyTo: IdentifyRequest['replyTo'];
}

export interface IdentifyThrottleContext {
  maxConcurrency: number;
  remaining: number;
  total: number;
  resetAfterMs: number;
  /** Buckets that granted an identify in the current window. */
  busyBuckets: number[];
  queue: Waiting[];
  granted: number;
}

export type IdentifyThrottleEvent =
  | IdentifyRequest
  /** The shard has sent its IDENTIFY: its bucket's window restarts from now. */
  | { type: 'IDENTIFY.SENT'; shardId: number }
  | { type: 'BUCKET.FREE'; bucket: number };

const freeTimerId = (bucket: number): string => `bucket-free-${bucket}`;

/**
 * The window in which each bucket may start one session ([DOCS] event-emit.md: per 5 s), plus a
 * margin: the slot is granted before the socket opens, so the IDENTIFY frame reaches the platform
 * later than the grant, and the next one must not arrive inside the platform's 5 s.
 */
export const identifyWindowMs = 5_500;

export const identifyThrottleMachine = setup({
  types: {
    context: {} as IdentifyThrottleContext,
    events: {} as IdentifyThrottleEvent,
    input: {} as IdentifyThrottleInput,
  },
  delays: {
    IDENTIFY_WINDOW: identifyWindowMs,
    SESSION_LIMIT_RESET: ({ context }) => Math.max(1_000, Math.min(context.resetAfterMs, 2 ** 31 - 1)),
  },
  actions: {
    grantWhatCan: enqueueActions(({ context, enqueue }) => {
      const busy = new Set(context.busyBuckets);
      const stillWaiting: Waiting[] = [];
      let remaining = context.remaining;
      let granted = context.granted;
      for (const waiting of context.queue) {
        const bucket = waiting.shardId % Math.max(1, context.maxConcurrency);
        if (remaining <= 0) {
          enqueue.sendTo(waiting.replyTo, {
            type: 'IDENTIFY.DENIED',
            shardId: waiting.shardId,
            reason:
              `session_start_limit exhausted: 0 of ${context.total} session starts left; ` +
              `the platform resets the budget in about ${Math.ceil(context.resetAfterMs / 60_000)} min`,
          });
          continue;
        }
        if (busy.has(bucket)) {
          stillWaiting.push(waiting);
          continue;
        }
        busy.add(bucket);
        remaining -= 1;
        granted += 1;
        enqueue.sendTo(waiting.replyTo, { type: 'IDENTIFY.GRANTED', shardId: waiting.shardId });
        enqueue.raise({ type: 'BUCKET.FREE', bucket }, { delay: 'IDENTIFY_WINDOW', id: freeTimerId(bucket) });
      }
      enqueue.assign({ busyBuckets: [...busy], queue: stillWaiting, remaining, granted });
    }),
  },
}).createMachine({
  id: 'identifyThrottle',
  context: ({ input }) => ({
    maxConcurrency: Math.max(1, input.maxConcurrency),
    remaining: input.remaining,
    total: input.total,
    resetAfterMs: input.resetAfterMs,
    busyBuckets: [],
    queue: [],
    granted: 0,
  }),
  initial: 'pacing',
  states: {
    pacing: {
      on: {
        'IDENTIFY.REQUEST': {
          actions: [
            assign({ queue: ({ context, event }) => [...context.queue, { shardId: event.shardId, replyTo: event.replyTo }] }),
            'grantWhatCan',
          ],
        },
        // The window is the platform's: it counts from when IDENTIFY arrives, and the socket's
        // handshake between grant and IDENTIFY takes a varying time. So the bucket stays busy for a
        // whole window after the IDENTIFY went out (the timer set at grant time is the fallback for
        // a shard that never gets that far).
        'IDENTIFY.SENT': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const bucket = event.shardId % Math.max(1, context.maxConcurrency);
            enqueue.cancel(freeTimerId(bucket));
            if (!context.busyBuckets.includes(bucket)) enqueue.assign({ busyBuckets: [...context.busyBuckets, bucket] });
            enqueue.raise({ type: 'BUCKET.FREE', bucket }, { delay: 'IDENTIFY_WINDOW', id: freeTimerId(bucket) });
          }),
        },
        'BUCKET.FREE': {
          actions: [
            assign({ busyBuckets: ({ context, event }) => context.busyBuckets.filter((bucket) => bucket !== event.bucket) }),
            'grantWhatCan',
          ],
        },
      },
      after: {
        SESSION_LIMIT_RESET: {
          target: 'pacing',
          reenter: true,
          actions: [assign({ remaining: ({ context }) => context.total, resetAfterMs: 24 * 60 * 60 * 1000 }), 'grantWhatCan'],
        },
      },
    },
  },
});

export type IdentifyThrottleActorRef = ActorRefFrom<typeof identifyThrottleMachine>;
