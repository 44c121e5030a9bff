import { assertEvent, assign, emit, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import type { WebhookRejectReason } from '../src/protocol/webhook-rejections.js';

/**
 * The HTTP-callback transport's lifecycle (reference §8):
 *
 *   idle → listening → validating (an op 13 was answered) → serving (a verified dispatch arrived) ⇢ stopped
 *
 * A receiver whose URL was validated by an earlier process goes from listening straight to serving.
 * The machine does no I/O: src/webhook/ reads bodies and checks signatures, then tells the machine
 * what happened. The machine decides whether a verified dispatch is a replay (the replay cache is
 * injected through `input`) and emits `webhook.dispatch` once per event.
 */

/** What the machine needs of the replay cache (src/webhook/replay-cache.ts implements it). */
export interface ReplayMemory {
  seen(keys: readonly string[]): boolean;
  remember(keys: readonly string[]): void;
  readonly size: number;
}

export interface WebhookInput {
  replayCache: ReplayMemory;
  /** App ids served, for inspection. */
  appIds: readonly string[];
}

export interface WebhookCounts {
  /** op 13 validations answered. */
  validations: number;
  /** Dispatches emitted (each event id once). */
  dispatched: number;
  /** Verified dispatches acknowledged but not emitted again (retries, replays). */
  duplicates: number;
  /** op 1 heartbeats answered. */
  heartbeats: number;
  /** Requests turned away, any reason. */
  rejected: number;
}

export interface WebhookRejection {
  reason: WebhookRejectReason;
  status: number;
  appId: string | null;
}

export interface WebhookContext {
  appIds: readonly string[];
  replayCache: ReplayMemory;
  counts: WebhookCounts;
  rejectedBy: Partial<Record<WebhookRejectReason, number>>;
  lastRejection: WebhookRejection | null;
}

export type WebhookEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'REQUEST.VALIDATION'; appId: string }
  | { type: 'REQUEST.DISPATCH'; appId: string; eventType: string; id: string | null; data: unknown; keys: readonly string[] }
  | { type: 'REQUEST.HEARTBEAT'; appId: string }
  | ({ type: 'REQUEST.REJECTED' } & WebhookRejection);

export interface WebhookDispatch {
  type: 'webhook.dispatch';
  appId: string;
  eventType: string;
  id: string | null;
  data: unknown;
}

export type WebhookEmitted =
  | { type: 'webhook.listening' }
  | { type: 'webhook.validation'; appId: string }
  | WebhookDispatch
  | { type: 'webhook.duplicate'; appId: string; eventType: string; id: string | null }
  | ({ type: 'webhook.rejected' } & WebhookRejection)
  | { type: 'webhook.stopped' };

export const webhookMachine = setup({
  types: {
    context: {} as WebhookContext,
    events: {} as WebhookEvent,
    emitted: {} as WebhookEmitted,
    input: {} as WebhookInput,
  },
  guards: {
    isReplay: ({ context, event }) => {
      assertEvent(event, 'REQUEST.DISPATCH');
      const { keys } = event;
      return keys.length > 0 && context.replayCache.seen(keys);
    },
  },
  actions: {
    announceListening: emit({ type: 'webhook.listening' as const }),
    announceStopped: emit({ type: 'webhook.stopped' as const }),
    countValidation: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'REQUEST.VALIDATION');
      const { appId } = event;
      enqueue.assign({ counts: { ...context.counts, validations: context.counts.validations + 1 } });
      enqueue.emit({ type: 'webhook.validation', appId });
    }),
    deliver: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'REQUEST.DISPATCH');
      context.replayCache.remember(event.keys);
      enqueue.assign({ counts: { ...context.counts, dispatched: context.counts.dispatched + 1 } });
      enqueue.emit({ type: 'webhook.dispatch', appId: event.appId, eventType: event.eventType, id: event.id, data: event.data });
    }),
    reportDuplicate: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'REQUEST.DISPATCH');
      enqueue.assign({ counts: { ...context.counts, duplicates: context.counts.duplicates + 1 } });
      enqueue.emit({ type: 'webhook.duplicate', appId: event.appId, eventType: event.eventType, id: event.id });
    }),
    countHeartbeat: assign({ counts: ({ context }) => ({ ...context.counts, heartbeats: context.counts.heartbeats + 1 }) }),
    countRejection: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'REQUEST.REJECTED');
      const { reason, status, appId } = event;
      enqueue.assign({
        counts: { ...context.counts, rejected: context.counts.rejected + 1 },
        rejectedBy: { ...context.rejectedBy, [reason]: (context.rejectedBy[reason] ?? 0) + 1 },
        lastRejection: { reason, status, appId },
      });
      enqueue.emit({ type: 'webhook.rejected', reason, status, appId });
    }),
  },
}).createMachine({
  id: 'webhook',
  initial: 'idle',
  context: ({ input }) => ({
    appIds: input.appIds,
    replayCache: input.replayCache,
    counts: { validations: 0, dispatched: 0, duplicates: 0, heartbeats: 0, rejected: 0 },
    rejectedBy: {},
    lastRejection: null,
  }),
  on: {
    STOP: '.stopped',
    'REQUEST.REJECTED': { actions: 'countRejection' },
    'REQUEST.HEARTBEAT': { actions: 'countHeartbeat' },
  },
  states: {
    idle: {
      on: { START: 'listening' },
    },
    listening: {
      entry: 'announceListening',
      on: {
        'REQUEST.VALIDATION': { target: 'validating', actions: 'countValidation' },
        'REQUEST.DISPATCH': [
          { guard: 'isReplay', target: 'serving', actions: 'reportDuplicate' },
          { target: 'serving', actions: 'deliver' },
        ],
      },
    },
    validating: {
      on: {
        'REQUEST.VALIDATION': { actions: 'countValidation' },
        'REQUEST.DISPATCH': [
          { guard: 'isReplay', target: 'serving', actions: 'reportDuplicate' },
          { target: 'serving', actions: 'deliver' },
        ],
      },
    },
    serving: {
      on: {
        // The console validates again whenever the callback settings are saved; we keep serving.
        'REQUEST.VALIDATION': { actions: 'countValidation' },
        'REQUEST.DISPATCH': [{ guard: 'isReplay', actions: 'reportDuplicate' }, { actions: 'deliver' }],
      },
    },
    stopped: {
      type: 'final',
      entry: 'announceStopped',
    },
  },
});

export type WebhookActorRef = ActorRefFrom<typeof webhookMachine>;
