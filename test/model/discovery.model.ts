import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import type { GatewayInfo } from '../../machines/gateway.machine.js';
import { QQAuthError } from '../../src/errors.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { BotWorld } from './support/world.js';

/**
 * Gateway discovery model. The real discovery machine runs where it lives, invoked by the real bot
 * (its token comes from the real token machine through `acquireToken`), against the emulator.
 * Fetches are answered at once, so each event names what the emulator answers, armed by fault
 * injection just before: `/gateway/bot 404` then `/gateway …` exercises the fallback.
 */
type Source = GatewayInfo['source'] | null;

interface Ctx {
  /** The last failure was a 401: the next attempt fetches a fresh token first. */
  forceTokenRefresh: boolean;
  /** Where the discovered URL came from. */
  source: Source;
}

type E = { type: string };
const found = (source: Source) => assign<Ctx, E, undefined, E, never>({ source });
const unauthorized = assign<Ctx, E, undefined, E, never>({ forceTokenRefresh: true });
const failedOther = assign<Ctx, E, undefined, E, never>({ forceTokenRefresh: false });

export const discoveryModel = setup({
  types: { context: {} as Ctx, events: {} as E },
  guards: { refreshesToken: ({ context }) => context.forceTokenRefresh },
}).createMachine({
  id: 'discoveryModel',
  context: { forceTokenRefresh: false, source: null },
  initial: 'unstarted',
  states: {
    unstarted: {
      on: {
        start: { target: 'discovered', actions: found('gateway/bot') },
        'start / gateway URL configured': { target: 'discovered', actions: found('configured') },
        'start / credentials rejected': 'failed',
        'start / gateway/bot 500': 'backoff',
        'start / gateway/bot 401': { target: 'backoff', actions: unauthorized },
        'start / gateway/bot 404, gateway ok': { target: 'discovered', actions: found('gateway') },
        'start / gateway/bot 404, gateway 500': 'backoff',
        'start / gateway/bot 404, gateway 401': { target: 'backoff', actions: unauthorized },
      },
    },
    backoff: {
      on: {
        'retry elapses': { target: 'discovered', actions: found('gateway/bot') },
        'retry elapses / gateway/bot bad JSON': { target: 'backoff', actions: failedOther },
        'retry elapses / gateway/bot 404, gateway ok': { target: 'discovered', actions: found('gateway') },
        // only a retry after a 401 fetches a token (the one held is still live otherwise)
        'retry elapses / credentials rejected': { guard: 'refreshesToken', target: 'failed' },
      },
    },
    discovered: { type: 'final' },
    failed: { type: 'final' },
  },
});

type Session = PathSession<BotWorld>;
const w = (s: Session): BotWorld => {
  if (!s.world) throw new Error('the bot has not been started');
  return s.world;
};

export function discoverySpec(recorder: TransitionRecorder): ModelSpec<BotWorld, Session> {
  const start = (arm?: (world: BotWorld) => void, configure = false) => async (s: Session) => {
    s.world = await BotWorld.start(recorder, { configureGatewayUrl: configure });
    arm?.(s.world);
    s.world.actor.send({ type: 'START' });
  };
  const retry = (arm?: (world: BotWorld) => void) => async (s: Session) => {
    const world = w(s);
    arm?.(world);
    const before = world.emu.requests.length;
    await world.advanceUntil(
      () => world.emu.requests.length > before && !world.child('gatewayDiscovery').matches('acquiringToken') && !world.child('gatewayDiscovery').matches('fetchingGatewayBot'),
      'RETRY_BACKOFF',
      { maxMs: 2_000 },
    );
  };
  const gatewayFault = (status: number) => (world: BotWorld) => world.emu.failGatewayEndpoint(1, '5xx', { status });
  const rejectCredentials = (world: BotWorld) => world.emu.failTokenEndpoint(1, '5xx', { status: 401 });
  return {
    name: 'gatewayDiscovery',
    model: discoveryModel,
    session: () => ({}),
    stimuli: {
      start: start(),
      'start / gateway URL configured': start(undefined, true),
      'start / credentials rejected': start(rejectCredentials),
      'start / gateway/bot 500': start(gatewayFault(500)),
      'start / gateway/bot 401': start(gatewayFault(401)),
      'start / gateway/bot 404, gateway ok': start(gatewayFault(404)),
      'start / gateway/bot 404, gateway 500': start((x) => (gatewayFault(404)(x), gatewayFault(500)(x))),
      'start / gateway/bot 404, gateway 401': start((x) => (gatewayFault(404)(x), gatewayFault(401)(x))),
      'retry elapses': retry(),
      'retry elapses / gateway/bot bad JSON': retry((x) => x.emu.failGatewayEndpoint(1, 'bad-json')),
      'retry elapses / gateway/bot 404, gateway ok': retry(gatewayFault(404)),
      'retry elapses / credentials rejected': retry(rejectCredentials),
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const world = session.world;
      if (state.matches('unstarted')) {
        expect(world).toBeUndefined();
        return;
      }
      if (!world) throw new Error('no world');
      const bot = world.bot;
      const discoveryRequests = world.emu.requests.filter((r) => r.path.startsWith('/gateway'));
      if (state.matches('backoff')) {
        const discovery = world.child('gatewayDiscovery');
        expect(discovery.value).toBe('backoff');
        expect(discovery.context.forceTokenRefresh).toBe(ctx.forceTokenRefresh);
        expect(discovery.context.failures).toBeGreaterThan(0);
        expect(discoveryRequests.at(-1)?.body ?? null).not.toMatchObject({ url: world.emu.gatewayUrl });
        expect(bot.value).toEqual({ active: 'discoveringGateway' });
        return;
      }
      if (state.matches('failed')) {
        expect(world.child('gatewayDiscovery').value).toBe('failed');
        expect(bot.value).toBe('failed');
        expect(bot.context.error).toBeInstanceOf(QQAuthError);
        return;
      }
      // discovered: the bot took the gateway and started its shard on it
      expect(world.child('gatewayDiscovery').value).toBe('discovered');
      expect(bot.context.gateway?.source).toBe(ctx.source);
      expect(bot.context.gateway?.url).toBe(world.emu.gatewayUrl);
      expect(bot.matches({ active: 'connectingShards' })).toBe(true);
      if (ctx.source === 'configured') expect(discoveryRequests).toEqual([]);
      else expect(discoveryRequests.at(-1)).toMatchObject({ path: ctx.source === 'gateway' ? '/gateway' : '/gateway/bot', status: 200 });
      // a token was used for it that the emulator accepts
      if (ctx.source !== 'configured') expect(discoveryRequests.at(-1)?.headers.authorization).toBe(`QQBot ${world.newestToken()}`);
    },
  };
}
