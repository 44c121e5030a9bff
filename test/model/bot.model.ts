import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { QQAuthError, QQGatewayError, QQSessionLimitError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { BotWorld } from './support/world.js';

/**
 * Bot machine model: what happens to the whole bot when its shards come and go. The real bot
 * (`createBotLogic`) runs one or two shards against the emulator; nothing is held, so a started bot
 * goes straight to `running`.
 *
 * Shard events come from the emulator (close 4009/4001/4914), except two: an operator stopping one
 * shard through the root actor (`bot.actor`, public: `STOP` sent to `shard-0`), and a shard whose
 * SHARD.STOPPED report gets lost (a fault double, see `BotWorldOptions.muteableShards`), which is
 * the case STOP_TIMEOUT exists for.
 */
type Shard = 'up' | 'failed' | 'stopped' | 'mute';

interface Ctx {
  shards: Shard[];
  /** Lease mode: whether shard 1 has been claimed (SHARD.ADD) and not handed over yet. */
  leasedShard?: 'none' | 'up';
  /** A bot-wide failure was recorded (`context.error`). */
  error: boolean;
}

type E = { type: string };

const setShard = (k: number, status: Shard) =>
  assign<Ctx, E, undefined, E, never>(({ context }) => ({ shards: context.shards.map((s, i) => (i === k ? status : s)) }));
const others = (c: Ctx, k: number) => c.shards.filter((_, i) => i !== k);

function shardEvents(k: number) {
  const up = ({ context }: { context: Ctx }) => context.shards[k] === 'up';
  return {
    [`shard ${k}: close 4009 (resumes)`]: { guard: up, actions: setShard(k, 'up') },
    [`shard ${k}: close 4001 (shard fails)`]: [
      // every other shard has failed too: the bot fails
      { guard: ({ context }: { context: Ctx }) => up({ context }) && others(context, k).every((s) => s === 'failed'), target: '#botModel.failed' },
      { guard: up, actions: setShard(k, 'failed') },
    ],
    [`shard ${k}: close 4914 (bot delisted)`]: [
      // a mute shard never reports STOPPED: the bot waits for STOP_TIMEOUT
      {
        guard: ({ context }: { context: Ctx }) => up({ context }) && others(context, k).includes('mute'),
        target: '#botModel.stopping',
        actions: [setShard(k, 'failed'), assign({ error: true })],
      },
      { guard: up, target: '#botModel.failed' },
    ],
  };
}

export const botModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: {
    shard0Up: ({ context }) => context.shards[0] === 'up',
    anyMute: ({ context }) => context.shards.includes('mute'),
    hasError: ({ context }) => context.error,
    twoShards: ({ context }) => context.shards.length === 2,
  },
}).createMachine({
  id: 'botModel',
  context: { shards: [], error: false },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'start (1 shard)': { target: 'running', actions: assign({ shards: ['up'] as Shard[] }) },
        'start (2 shards)': { target: 'running', actions: assign({ shards: ['up', 'up'] as Shard[] }) },
        // the store's failure costs the stored sessions, not the start: the shard identifies
        'start (1 shard, session store down)': { target: 'running', actions: assign({ shards: ['up'] as Shard[] }) },
        'start (2 shards, session budget 1)': 'failed',
        'start (credentials rejected)': 'failed',
        'start (lease mode: no shard until one is claimed)': { target: 'leased', actions: assign({ leasedShard: 'none' as const }) },
        'stop before start': 'stopped',
      },
    },
    running: {
      on: {
        ...shardEvents(0),
        ...shardEvents(1),
        'operator stops shard 0': { guard: 'shard0Up', actions: setShard(0, 'stopped') },
        'shard 0 will not report STOPPED': { guard: 'shard0Up', actions: setShard(0, 'mute') },
        stop: [{ guard: 'anyMute', target: 'stopping' }, { target: 'stopped' }],
      },
    },
    leased: {
      on: {
        'claim shard 1 (SHARD.ADD)': { guard: ({ context }) => context.leasedShard === 'none', actions: assign({ leasedShard: 'up' as const }) },
        'hand shard 1 over (SHARD.REMOVE)': { guard: ({ context }) => context.leasedShard === 'up', actions: assign({ leasedShard: 'none' as const }) },
        stop: 'stopped',
      },
    },
    stopping: {
      on: { 'STOP_TIMEOUT elapses': [{ guard: 'hasError', target: 'failed' }, { target: 'stopped' }] },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

interface Session extends PathSession<BotWorld> {
  shards?: number;
}

const w = (s: Session): BotWorld => {
  if (!s.world) throw new Error('the bot has not been started');
  return s.world;
};

export function botSpec(recorder: TransitionRecorder): ModelSpec<BotWorld, Session> {
  const start = (shards: number, options: { budget?: number; rejectCredentials?: boolean; storeDown?: boolean } = {}) => async (s: Session) => {
    s.shards = shards;
    s.world = await BotWorld.start(recorder, {
      shards,
      holdHandshake: false,
      muteableShards: true,
      ...(options.storeDown ? { loadSessions: () => Promise.reject(new Error('session store unreachable')) } : {}),
      emulator: options.budget === undefined ? {} : { sessionStartLimit: { remaining: options.budget, maxConcurrency: 50 } },
    });
    if (options.rejectCredentials) s.world.emu.failTokenEndpoint(1, '5xx', { status: 401 });
    s.world.actor.send({ type: 'START' });
  };
  const close = (k: number, code: number) => (s: Session) => void w(s).emu.closeSession(code, { shard: k });
  const reconnects = (k: number) => async (s: Session) => {
    const world = w(s);
    const before = world.emu.connections.length;
    world.emu.closeSession(4009, { shard: k });
    await world.advanceUntil(() => world.emu.connections.length > before && world.shard(k).matches({ connection: { session: 'ready' } }), 'RECONNECT_BACKOFF', { maxMs: 2_000 });
    expect(world.emu.connections.at(-1)?.received[0]?.op).toBe(OpCode.Resume);
  };
  return {
    name: 'bot',
    model: botModel,
    session: () => ({}),
    variant: (state) => String((state.context as Ctx).shards.length),
    stimuli: {
      'start (1 shard)': start(1),
      'start (2 shards)': start(2),
      'start (1 shard, session store down)': start(1, { storeDown: true }),
      'start (2 shards, session budget 1)': start(2, { budget: 1 }),
      'start (credentials rejected)': start(1, { rejectCredentials: true }),
      'start (lease mode: no shard until one is claimed)': async (s) => {
        s.world = await BotWorld.start(recorder, { shards: 2, holdHandshake: false, leased: true });
        s.world.actor.send({ type: 'START' });
      },
      'claim shard 1 (SHARD.ADD)': (s) => w(s).actor.send({ type: 'SHARD.ADD', shardId: 1, storedSession: null }),
      'hand shard 1 over (SHARD.REMOVE)': (s) => w(s).actor.send({ type: 'SHARD.REMOVE', shardId: 1 }),
      'stop before start': async (s) => {
        s.world = await BotWorld.start(recorder, { holdHandshake: false });
        s.world.actor.send({ type: 'STOP' });
      },
      'shard 0: close 4009 (resumes)': reconnects(0),
      'shard 1: close 4009 (resumes)': reconnects(1),
      'shard 0: close 4001 (shard fails)': close(0, 4001),
      'shard 1: close 4001 (shard fails)': close(1, 4001),
      'shard 0: close 4914 (bot delisted)': close(0, 4914),
      'shard 1: close 4914 (bot delisted)': close(1, 4914),
      'operator stops shard 0': (s) => w(s).shardRef(0).send({ type: 'STOP' }),
      'shard 0 will not report STOPPED': (s) => void w(s).mutedShards.add(0),
      stop: (s) => w(s).actor.send({ type: 'STOP' }),
      'STOP_TIMEOUT elapses': async (s) => {
        const world = w(s);
        await world.advanceUntil(() => world.bot.status === 'done', 'STOP_TIMEOUT', { maxMs: 6_000 });
      },
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const world = session.world;
      if (state.matches('idle')) {
        expect(world).toBeUndefined();
        return;
      }
      if (!world) throw new Error('no world');
      const bot = world.bot;
      if (state.matches('stopped') || state.matches('failed')) {
        expect(bot.value).toBe(state.value);
        for (const c of world.emu.connections) expect(c.closed).toBeDefined();
        if (state.matches('failed')) {
          expect(bot.context.error).toSatisfy((e: unknown) => e instanceof QQGatewayError || e instanceof QQAuthError || e instanceof QQSessionLimitError);
        }
        return;
      }
      if (state.matches('stopping')) {
        expect(bot.value).toBe('stopping');
        expect(bot.context.error !== null).toBe(ctx.error);
        return;
      }
      expect(bot.value).toEqual({ active: 'running' });
      if (state.matches('leased')) {
        const up = ctx.leasedShard === 'up';
        expect(bot.context.shardIds).toEqual(up ? [1] : []);
        expect(bot.context.candidateShardIds).toEqual([0, 1]);
        const shard1 = world.emu.connections.filter((c) => c.shardId === 1);
        expect(shard1.filter((c) => !c.closed)).toHaveLength(up ? 1 : 0);
        if (up) expect(world.shard(1).matches({ connection: { session: 'ready' } })).toBe(true);
        // handed over: closed resumably, for the next owner to RESUME
        else for (const c of shard1) expect(c.closed?.code).toBe(4000);
        expect(world.emu.connections.filter((c) => c.shardId === 0)).toEqual([]);
        return;
      }
      expect(bot.context.shardIds).toEqual(ctx.shards.map((_, i) => i));
      ctx.shards.forEach((status, k) => {
        const shard = world.shard(k);
        const live = world.emu.connections.filter((c) => c.shardId === k && !c.closed);
        if (status === 'up' || status === 'mute') {
          expect(shard.matches({ connection: { session: 'ready' } })).toBe(true);
          expect(bot.context.readyShards).toContain(k);
          expect(live).toHaveLength(1);
        } else {
          expect(live).toHaveLength(0);
        }
        if (status === 'failed') expect(Object.keys(bot.context.failedShards)).toContain(String(k));
        if (status === 'stopped') expect(bot.context.stoppedShards).toContain(k);
      });
    },
  };
}
