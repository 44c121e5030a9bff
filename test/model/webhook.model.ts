import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import type { WebhookCounts } from '../../machines/webhook.machine.js';
import { QQWebhookError, rejectionStatus, type WebhookRejectReason } from '../../src/webhook/errors.js';
import { dedupeKeys } from '../../src/webhook/replay-cache.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { appId, WebhookWorld } from './support/world.js';

/**
 * Webhook machine model: the HTTP-callback transport as the platform sees it. A real receiver
 * (`createWebhookReceiver`, which runs the machine) is served by `startWebhookServer` on 127.0.0.1
 * port 0, and every model event is something the emulator's webhook mode sends it over real HTTP:
 * the op 13 validation, a signed delivery, a replay of the last delivery byte for byte, a signed
 * op 1 heartbeat, and each fault (forged, tampered, stale, future, oversized, unsigned). Closing
 * the receiver is `stopped`; the server keeps answering, so the model also sees what a delivery
 * and a validation get afterwards (503, nothing dispatched).
 *
 * The context holds only the outcome the last event must have had; the checks compare it with the
 * machine's snapshot (state, counts, rejections) and with what the HTTP side observed (status,
 * op 12 ACK, op 11 answer, the rejection body, what `onEvent` received: each event once).
 *
 * One stimulus is not the public API alone. In `listening` and `validating` no dispatch has been
 * remembered yet (the first one moves the machine to `serving`), and `createWebhookReceiver`
 * builds a fresh replay cache, so the machine's `isReplay` branches there can only be taken when
 * the cache already holds the delivery, as a cache shared with an earlier process would. The
 * stimulus "delivery already in the replay cache" seeds the real receiver's cache (the `ReplayMemory`
 * in the machine's context) with the delivery's keys, then sends it signed over HTTP.
 */
const MAX_BODY_BYTES = 64 * 1024;
const HEARTBEAT_D = 7;
const ACK = { op: 12, d: 0 };

type Rejection = Extract<WebhookRejectReason, 'bad-signature' | 'stale-timestamp' | 'future-timestamp' | 'body-too-large' | 'missing-signature'>;
type Outcome = 'started' | 'validation' | 'dispatch' | 'duplicate' | 'heartbeat' | `rejected: ${Rejection}` | 'stopped';

interface Ctx {
  /** What the last event must have produced. */
  outcome: Outcome | null;
}

type E = { type: string };

const outcome = (value: Outcome) => assign<Ctx, E, undefined, E, never>({ outcome: value });

/** Fault stimuli and the reason the receiver must give. */
const faults = {
  'forged signature': 'bad-signature',
  'body tampered after signing': 'bad-signature',
  'timestamp 1 h old': 'stale-timestamp',
  'timestamp 1 h ahead': 'future-timestamp',
  'oversized body': 'body-too-large',
  unsigned: 'missing-signature',
} as const satisfies Record<string, Rejection>;

/** What every running state answers the same way: heartbeats, rejections, close. */
const common = {
  'signed op 1 heartbeat': { actions: outcome('heartbeat') },
  ...Object.fromEntries(Object.entries(faults).map(([event, reason]) => [event, { actions: outcome(`rejected: ${reason}`) }])),
  'close the receiver': { target: '#webhookModel.stopped', actions: outcome('stopped') },
};

export const webhookModel = setup({
  types: { context: {} as Ctx, events: {} as E },
}).createMachine({
  id: 'webhookModel',
  context: { outcome: null },
  initial: 'unstarted',
  states: {
    unstarted: {
      on: { 'start receiver': { target: 'listening', actions: outcome('started') } },
    },
    listening: {
      on: {
        ...common,
        'op 13 validation': { target: 'validating', actions: outcome('validation') },
        'signed delivery': { target: 'serving', actions: outcome('dispatch') },
        'delivery already in the replay cache': { target: 'serving', actions: outcome('duplicate') },
      },
    },
    validating: {
      on: {
        ...common,
        'op 13 validation': { target: 'validating', actions: outcome('validation') },
        'signed delivery': { target: 'serving', actions: outcome('dispatch') },
        'delivery already in the replay cache': { target: 'serving', actions: outcome('duplicate') },
      },
    },
    serving: {
      on: {
        ...common,
        // the console validates again whenever the callback settings are saved
        'op 13 validation': { target: 'serving', actions: outcome('validation') },
        'signed delivery': { target: 'serving', actions: outcome('dispatch') },
        'replay of the last delivery (same signature)': { target: 'serving', actions: outcome('duplicate') },
      },
    },
    stopped: { type: 'final' },
  },
});

/** The real system before the current step, so a check can tell what the step changed. */
interface Baseline {
  counts: WebhookCounts;
  rejectedBy: Partial<Record<WebhookRejectReason, number>>;
  events: number;
  errors: number;
  requests: number;
  deliveries: number;
  emitted: number;
}

interface Session extends PathSession<WebhookWorld> {
  before?: Baseline;
}

const w = (s: Session): WebhookWorld => {
  if (!s.world) throw new Error('the receiver has not been started');
  return s.world;
};

function baseline(world: WebhookWorld): Baseline {
  const { context } = world.receiver.actor.getSnapshot();
  return {
    counts: { ...context.counts },
    rejectedBy: { ...context.rejectedBy },
    events: world.events.length,
    errors: world.errors.length,
    requests: world.emu.webhook.requests.length,
    deliveries: world.emu.webhook.deliveries.length,
    emitted: world.emitted.length,
  };
}

/** Records the baseline, then does what the harness does for this event. */
const step =
  (act: (world: WebhookWorld) => Promise<unknown>) =>
  async (s: Session): Promise<void> => {
    const world = w(s);
    s.before = baseline(world);
    await act(world);
  };

let seeded = 0;

const faultStimuli: Record<keyof typeof faults, (world: WebhookWorld) => Promise<number>> = {
  'forged signature': (world) => world.emu.webhook.sendForged(),
  'body tampered after signing': (world) => world.emu.webhook.sendTampered(),
  'timestamp 1 h old': (world) => world.emu.webhook.sendStale(3_600),
  'timestamp 1 h ahead': (world) => world.emu.webhook.sendStale(-3_600),
  'oversized body': (world) => world.emu.webhook.sendOversized(MAX_BODY_BYTES + 1),
  unsigned: (world) => world.emu.webhook.sendUnsigned(),
};

const json = (text: string): unknown => JSON.parse(text);

export function webhookSpec(recorder: TransitionRecorder): ModelSpec<WebhookWorld, Session> {
  return {
    name: 'webhook',
    model: webhookModel,
    session: () => ({}),
    stimuli: {
      'start receiver': async (s) => {
        s.world = await WebhookWorld.start(recorder, { maxBodyBytes: MAX_BODY_BYTES });
        s.before = baseline(s.world);
      },
      'op 13 validation': step((world) => world.emu.webhook.validate()),
      'signed delivery': step((world) => world.emu.webhook.c2cMessage({ content: 'hello' })),
      'delivery already in the replay cache': step(async (world) => {
        seeded += 1;
        const type = 'C2C_MESSAGE_CREATE';
        const id = `${type}:seeded-${seeded}`;
        const data = { id: `ROBOT1.0_seeded-${seeded}`, content: 'seen before', author: { user_openid: 'U1' } };
        world.receiver.actor.getSnapshot().context.replayCache.remember(dedupeKeys(type, id, data));
        return world.emu.webhook.deliver(type, data, { id });
      }),
      'replay of the last delivery (same signature)': step((world) => world.emu.webhook.sendReplay()),
      'signed op 1 heartbeat': step((world) => world.emu.webhook.sendRaw({ body: JSON.stringify({ op: 1, d: HEARTBEAT_D }) })),
      ...Object.fromEntries(Object.entries(faultStimuli).map(([event, send]) => [event, step(send)])),
      'close the receiver': step(async (world) => {
        world.closeReceiver();
        // the server still listens: the platform's next delivery and validation are turned away
        await world.emu.webhook.c2cMessage({ content: 'after close' });
        await world.emu.webhook.validate();
      }),
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const world = session.world;
      if (state.matches('unstarted')) {
        expect(world).toBeUndefined();
        return;
      }
      if (!world) throw new Error('no world');
      const before = session.before;
      if (!before) throw new Error('no baseline');
      const real = world.receiver.actor.getSnapshot();
      const { counts } = real.context;
      const hook = world.emu.webhook;
      const sent = hook.requests.slice(before.requests);
      const emitted = world.emitted.slice(before.emitted);
      const events = world.events.slice(before.events);

      // dispatched once: no event id twice, one onEvent per dispatch the machine counted and emitted
      const ids = world.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(world.events.length).toBe(counts.dispatched);
      expect(world.emitted.filter((e) => e.type === 'webhook.dispatch').length).toBe(counts.dispatched);

      const expected: WebhookCounts = { ...before.counts };
      if (state.matches('stopped')) {
        expect(real.status).toBe('done');
        expect(real.value).toBe('stopped');
        expect(counts).toEqual(expected);
        expect(emitted.map((e) => e.type)).toEqual(['webhook.stopped']);
        // a delivery and a validation after close: 503, nothing dispatched, reported but not counted
        expect(sent.map((r) => [r.kind, r.status, json(r.response)])).toEqual([
          ['dispatch', 503, { code: 503, message: 'stopped' }],
          ['validation', 503, { code: 503, message: 'stopped' }],
        ]);
        expect(hook.deliveries.at(-1)?.acknowledged).toBe(false);
        expect(events).toEqual([]);
        expect(world.errors.slice(before.errors).map((e) => (e as QQWebhookError).reason)).toEqual(['stopped', 'stopped']);
        return;
      }

      expect(real.status).toBe('active');
      expect(real.value).toBe(state.value);
      // every delivery the platform made while the receiver ran was acknowledged at the first attempt
      for (const delivery of hook.deliveries) {
        expect(delivery.acknowledged).toBe(true);
        expect(delivery.attempts).toHaveLength(1);
      }
      const only = () => {
        expect(sent).toHaveLength(1);
        return sent[0] as (typeof sent)[number];
      };
      const outcome = ctx.outcome;
      switch (outcome) {
        case 'started':
          expect(sent).toEqual([]);
          expect(counts).toEqual({ validations: 0, dispatched: 0, duplicates: 0, heartbeats: 0, rejected: 0 });
          expect(world.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/qqbot$/);
          break;
        case 'validation': {
          const request = only();
          expect(request.kind).toBe('validation');
          expect(request.status).toBe(200);
          // the answer echoes plain_token, signed with the bot's key (the emulator verifies it)
          expect(hook.validations.at(-1)).toMatchObject({ ok: true, status: 200 });
          expected.validations += 1;
          expect(emitted.map((e) => e.type)).toEqual(['webhook.validation']);
          expect(events).toEqual([]);
          break;
        }
        case 'dispatch': {
          const request = only();
          expect(request.kind).toBe('dispatch');
          expect(request.status).toBe(200);
          expect(json(request.response)).toEqual(ACK);
          const delivery = hook.deliveries.at(-1);
          expect(hook.deliveries.length).toBe(before.deliveries + 1);
          expect(events).toEqual([{ type: delivery?.type, id: delivery?.id, data: delivery?.data }]);
          expected.dispatched += 1;
          expect(emitted.map((e) => e.type)).toEqual(['webhook.dispatch']);
          break;
        }
        case 'duplicate': {
          const request = only();
          expect(['dispatch', 'replay']).toContain(request.kind);
          expect(request.status).toBe(200);
          expect(json(request.response)).toEqual(ACK);
          // acknowledged, so the platform stops retrying, and not dispatched again
          expect(events).toEqual([]);
          expected.duplicates += 1;
          expect(emitted).toEqual([{ type: 'webhook.duplicate', appId, eventType: hook.deliveries.at(-1)?.type, id: hook.deliveries.at(-1)?.id }]);
          break;
        }
        case 'heartbeat': {
          const request = only();
          expect(request.status).toBe(200);
          expect(json(request.response)).toEqual({ op: 11, d: HEARTBEAT_D });
          expected.heartbeats += 1;
          expect(emitted).toEqual([]);
          expect(events).toEqual([]);
          break;
        }
        default: {
          if (outcome === null || !outcome.startsWith('rejected: ')) throw new Error(`unexpected outcome ${String(outcome)}`);
          const reason = outcome.slice('rejected: '.length) as Rejection;
          const status = rejectionStatus[reason];
          const request = only();
          expect(request.status).toBe(status);
          expect(json(request.response)).toEqual({ code: status, message: reason });
          expected.rejected += 1;
          expect(real.context.rejectedBy[reason]).toBe((before.rejectedBy[reason] ?? 0) + 1);
          expect(real.context.lastRejection).toEqual({ reason, status, appId });
          expect(emitted).toEqual([{ type: 'webhook.rejected', reason, status, appId }]);
          const errors = world.errors.slice(before.errors);
          expect(errors).toHaveLength(1);
          expect(errors[0]).toBeInstanceOf(QQWebhookError);
          expect((errors[0] as QQWebhookError).reason).toBe(reason);
          expect(events).toEqual([]);
        }
      }
      expect(counts).toEqual(expected);
    },
  };
}
