import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { identifyWindowMs } from '../../machines/identify-throttle.machine.js';
import { QQSessionLimitError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { BotWorld } from './support/world.js';

/**
 * Identify throttle model: `session_start_limit` pacing as two shards of one real bot see it. The
 * emulator recommends 2 shards with `max_concurrency` 1 (one bucket), a budget of 2 session starts
 * and `reset_after` 60 s; it closes with 4008 any IDENTIFY that comes within 5 s of another, and
 * refuses one when the budget is spent, so a wrong throttle shows on the wire.
 *
 * The model replays the throttle's rule: each request is denied when the budget is spent, waits
 * while the bucket is busy (5 s after a grant), and is granted otherwise.
 */
const BUDGET = 2;
const RESET_AFTER_MS = 60_000;

interface Ctx {
  remaining: number;
  busy: boolean;
  queue: number[];
  /** Shards that hold a session. */
  up: boolean[];
  /** The daily budget has been restored once (the next reset is a day later). */
  reset: boolean;
  denied: boolean;
}

type E = { type: string };

/** `grantWhatCan`: grant or deny the queue in order. */
function grant(c: Ctx): Ctx {
  const next: Ctx = { ...c, queue: [], up: [...c.up] };
  for (const shard of c.queue) {
    if (next.remaining <= 0) next.denied = true;
    else if (next.busy) next.queue.push(shard);
    else {
      next.busy = true;
      next.remaining -= 1;
      next.up[shard] = true;
    }
  }
  return next;
}

const update = (f: (c: Ctx) => Ctx) => assign<Ctx, E, undefined, E, never>(({ context }) => f(context));
const windowEnds = (c: Ctx): Ctx => (c.busy ? grant({ ...c, busy: false }) : c);
const request = (k: number) => (c: Ctx): Ctx => grant({ ...c, up: c.up.map((u, i) => (i === k ? false : u)), queue: [...c.queue, k] });
/** Within the 60 s every window ends, each granting the next waiting shard. */
function allWindowsEnd(c: Ctx): Ctx {
  let next = c;
  while (next.busy && !next.denied) next = windowEnds(next);
  return next;
}
const budgetResets = (c: Ctx): Ctx => grant({ ...allWindowsEnd(c), remaining: BUDGET, reset: true });

export const throttleModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: {
    busy: ({ context }) => context.busy,
    denied: ({ context }) => context.denied,
    notReset: ({ context }) => !context.reset,
  },
}).createMachine({
  id: 'throttleModel',
  context: { remaining: BUDGET, busy: false, queue: [], up: [false, false], reset: false, denied: false },
  initial: 'unstarted',
  states: {
    unstarted: {
      on: { start: { target: 'pacing', actions: update((c) => request(1)(request(0)(c))) } },
    },
    pacing: {
      always: { guard: 'denied', target: 'denied' },
      on: {
        'identify window ends': { guard: 'busy', target: 'pacing', actions: update(windowEnds) },
        'shard 0 must identify again (close 4006)': {
          guard: ({ context }) => context.up[0] === true,
          target: 'pacing',
          actions: update(request(0)),
        },
        'shard 1 must identify again (close 4006)': {
          guard: ({ context }) => context.up[1] === true,
          target: 'pacing',
          actions: update(request(1)),
        },
        'session budget resets (reset_after)': { guard: 'notReset', target: 'pacing', actions: update(budgetResets) },
      },
    },
    denied: { type: 'final' },
  },
});

type Session = PathSession<BotWorld>;
const w = (s: Session): BotWorld => {
  if (!s.world) throw new Error('the bot has not been started');
  return s.world;
};

export function throttleSpec(recorder: TransitionRecorder): ModelSpec<BotWorld, Session> {
  const reidentify = (k: number) => async (s: Session) => {
    const world = w(s);
    world.emu.closeSession(4006, { shard: k });
    await world.until(() => world.shard(k).value.connection === 'backoff', `shard ${k} to back off`);
    // RECONNECT_BACKOFF (1 s), then the shard asks the throttle again
    await world.advanceUntil(() => world.shard(k).value.connection !== 'backoff', 'RECONNECT_BACKOFF', { maxMs: 1_500 });
  };
  return {
    name: 'identifyThrottle',
    model: throttleModel,
    session: () => ({}),
    // the throttle has one state: what it does depends on budget, bucket and queue
    variant: (state) => {
      const c = state.context as Ctx;
      return JSON.stringify([c.remaining > 0, c.busy, c.queue.length]);
    },
    stimuli: {
      start: async (s) => {
        s.world = await BotWorld.start(recorder, {
          shards: 2,
          holdHandshake: false,
          emulator: { sessionStartLimit: { total: BUDGET, remaining: BUDGET, maxConcurrency: 1, resetAfter: RESET_AFTER_MS } },
          timing: { identify: { IDENTIFY_WINDOW: identifyWindowMs } },
        });
        s.world.actor.send({ type: 'START' });
      },
      'identify window ends': async (s, next) => {
        await w(s).advanceUntil(next.reached, 'IDENTIFY_WINDOW', { maxMs: identifyWindowMs });
      },
      'shard 0 must identify again (close 4006)': reidentify(0),
      'shard 1 must identify again (close 4006)': reidentify(1),
      'session budget resets (reset_after)': async (s, next) => {
        const world = w(s);
        await world.advanceUntil(() => world.clock.now() >= RESET_AFTER_MS, 'SESSION_LIMIT_RESET', { maxMs: RESET_AFTER_MS, stepMs: 1_000 });
        // the next reset is a day later (unless a shard was refused on the way and the bot stopped)
        if (next.state.matches('pacing')) expect(world.child('identifyThrottle').context.resetAfterMs).toBe(24 * 60 * 60 * 1000);
      },
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const world = session.world;
      if (state.matches('unstarted')) {
        expect(world).toBeUndefined();
        return;
      }
      if (!world) throw new Error('no world');
      // the emulator never had to refuse an IDENTIFY for pacing (4008) or for the budget (op 9 + 4903)
      expect(world.emu.connections.filter((c) => c.closed?.code === 4008 || c.closed?.code === 4903)).toEqual([]);
      if (state.matches('denied')) {
        expect(world.bot.value).toBe('failed');
        expect(world.bot.context.error).toBeInstanceOf(QQSessionLimitError);
        return;
      }
      const throttle = world.child('identifyThrottle').context as { remaining: number; busyBuckets: number[]; queue: Array<{ shardId: number }> };
      expect(throttle.remaining).toBe(ctx.remaining);
      expect(throttle.busyBuckets.length > 0).toBe(ctx.busy);
      expect(throttle.queue.map((q) => q.shardId)).toEqual(ctx.queue);
      ctx.up.forEach((up, k) => {
        const shard = world.shard(k);
        if (up) expect(shard.matches({ connection: { session: 'ready' } })).toBe(true);
        if (ctx.queue.includes(k)) expect(shard.value.connection).toBe('awaitingIdentifySlot');
      });
      // identifies on the wire: one per grant, 5 s apart at least
      const identifies = world.emu.connections.filter((c) => c.received.some((f) => f.op === OpCode.Identify)).map((c) => c.openedAt);
      for (let i = 1; i < identifies.length; i++) expect((identifies[i] ?? 0) - (identifies[i - 1] ?? 0)).toBeGreaterThanOrEqual(identifyWindowMs);
    },
  };
}
