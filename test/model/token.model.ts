import { expect } from 'vitest';
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { QQAuthError } from '../../src/errors.js';
import type { TransitionRecorder } from './support/coverage.js';
import type { ModelSpec, PathSession } from './support/run.js';
import { TokenWorld } from './support/world.js';

/**
 * Token machine model. The real token machine runs alone with its real HTTP actor against the
 * emulator's token endpoint, whose TTL is 120 s so that the platform's rule "the same token until
 * its last 60 s, then a new one" is in play.
 *
 * `fetching` is not a model state: the endpoint answers at once, so each model event names the
 * trigger (START, FORCE_REFRESH, a timer) and, after a slash, what the emulator answers (a fault armed
 * just before). The model predicts "same token" or "new token" from `late`: REFRESH fired inside
 * the token's last 60 s, so the next successful fetch gets a new token.
 *
 * RETRY_BACKOFF is 150 s, above the usable lifetime (115 s): "the token expires while the endpoint
 * keeps failing" is then one timer with no retry in between.
 */
export const TOKEN_TTL_S = 120;
const RETRY_BACKOFF_MS = 150_000;

type Lifetime = 'none' | 'live' | 'expired';

interface Ctx {
  /**
   * The last answer was the token we already had. REFRESH still waits for the token's last 60 s (a
   * token far from its window is not asked for again and again), so the next REFRESH gets a new one.
   */
  same: boolean;
  /** REFRESH fired inside the token's last 60 s. */
  late: boolean;
  lifetime: Lifetime;
}

const newToken = assign<Ctx, { type: string }, undefined, { type: string }, never>({ same: false, late: false, lifetime: 'live' });
const sameToken = assign<Ctx, { type: string }, undefined, { type: string }, never>({ same: true, lifetime: 'live' });

export const tokenModel = setup({
  types: { context: {} as Ctx, events: {} as { type: string } },
  guards: {
    holdsEarlyToken: ({ context }) => context.lifetime === 'live' && !context.late,
    live: ({ context }) => context.lifetime === 'live',
  },
}).createMachine({
  id: 'tokenModel',
  context: { same: false, late: false, lifetime: 'none' },
  initial: 'idle',
  on: { STOP: '.stopped' },
  states: {
    idle: {
      on: {
        START: { target: 'scheduled', actions: newToken },
        'START / endpoint 500': 'backoff',
        'START / credentials rejected': 'failed',
        FORCE_REFRESH: { target: 'scheduled', actions: newToken },
      },
    },
    scheduled: {
      on: {
        // a fresh token is never in its last 60 s: the platform answers with the same one
        FORCE_REFRESH: { target: 'scheduled', actions: sameToken },
        'FORCE_REFRESH / endpoint 500': 'backoff',
        'REFRESH elapses': { target: 'scheduled', actions: newToken },
        'REFRESH elapses / endpoint 500': { target: 'backoff', actions: assign({ late: true }) },
        'REFRESH elapses / credentials rejected': 'failed',
      },
    },
    backoff: {
      on: {
        FORCE_REFRESH: [
          { guard: 'holdsEarlyToken', target: 'scheduled', actions: sameToken },
          { target: 'scheduled', actions: newToken },
        ],
        'RETRY elapses': { target: 'scheduled', actions: newToken },
        'RETRY elapses / endpoint 500': {
          target: 'backoff',
          actions: assign({ lifetime: ({ context }) => (context.lifetime === 'none' ? 'none' : 'expired') }),
        },
        'RETRY elapses / credentials rejected': 'failed',
        'token lifetime elapses': { guard: 'live', target: 'backoff', actions: assign({ lifetime: 'expired' }) },
      },
    },
    failed: { type: 'final' },
    stopped: { type: 'final' },
  },
});

interface Session extends PathSession<TokenWorld> {
  recorder: TransitionRecorder;
}

async function world(session: Session): Promise<TokenWorld> {
  session.world ??= await TokenWorld.start(session.recorder, { tokenTtl: TOKEN_TTL_S, delays: { RETRY_BACKOFF: RETRY_BACKOFF_MS } });
  return session.world;
}

const fail500 = (w: TokenWorld) => w.emu.failTokenEndpoint(1, '5xx');
/** The platform refuses the credentials (an error body with a non-transient code). */
const failRejected = (w: TokenWorld) => w.emu.failTokenEndpoint(1, '5xx', { status: 401 });

async function send(session: Session, type: 'START' | 'FORCE_REFRESH' | 'STOP', arm?: (w: TokenWorld) => void) {
  const w = await world(session);
  arm?.(w);
  w.actor.send({ type });
}

/** Advances until the token machine has finished one more fetch (successful or not). */
async function timer(session: Session, what: string, arm?: (w: TokenWorld) => void) {
  const w = await world(session);
  arm?.(w);
  const before = w.requests('/app/getAppAccessToken').length;
  await w.advanceUntil(
    () => w.requests('/app/getAppAccessToken').length > before && !w.token.matches({ active: { fetch: 'fetching' } }),
    what,
    { maxMs: 200_000, stepMs: 1_000 },
  );
}

export function tokenSpec(recorder: TransitionRecorder): ModelSpec<TokenWorld, Session> {
  return {
    name: 'token',
    model: tokenModel,
    session: () => ({ recorder }),
    // a successful fetch takes a different lifetime transition with no token, a live one or an expired one
    variant: (state) => (state.context as Ctx).lifetime,
    stimuli: {
      START: (s) => send(s, 'START'),
      'START / endpoint 500': (s) => send(s, 'START', fail500),
      'START / credentials rejected': (s) => send(s, 'START', failRejected),
      FORCE_REFRESH: (s) => send(s, 'FORCE_REFRESH'),
      'FORCE_REFRESH / endpoint 500': (s) => send(s, 'FORCE_REFRESH', fail500),
      STOP: (s) => send(s, 'STOP'),
      'REFRESH elapses': (s) => timer(s, 'REFRESH'),
      'REFRESH elapses / endpoint 500': (s) => timer(s, 'REFRESH', fail500),
      'REFRESH elapses / credentials rejected': (s) => timer(s, 'REFRESH', failRejected),
      'RETRY elapses': (s) => timer(s, 'RETRY_BACKOFF'),
      'RETRY elapses / endpoint 500': (s) => timer(s, 'RETRY_BACKOFF', fail500),
      'RETRY elapses / credentials rejected': (s) => timer(s, 'RETRY_BACKOFF', failRejected),
      'token lifetime elapses': async (s) => {
        const w = await world(s);
        await w.advanceUntil(() => w.token.matches({ active: { lifetime: 'expired' } }), 'TOKEN_LIFETIME', { maxMs: 120_000, stepMs: 1_000 });
      },
    },
    check(session, state: AnyMachineSnapshot) {
      const ctx = state.context as Ctx;
      const w = session.world;
      if (state.matches('idle')) {
        if (w) expect(w.token.value).toBe('idle');
        return;
      }
      if (!w) throw new Error('no world');
      const real = w.token;
      const fetches = w.requests('/app/getAppAccessToken');
      if (state.matches('failed')) {
        expect(real.value).toBe('failed');
        expect(real.context.error).toBeInstanceOf(QQAuthError);
        expect(fetches.at(-1)?.status).toBe(401);
        return;
      }
      if (state.matches('stopped')) {
        expect(real.value).toBe('stopped');
        return;
      }
      const fetch = state.matches('scheduled') ? 'scheduled' : 'backoff';
      expect(real.value).toEqual({ active: { fetch, lifetime: ctx.lifetime } });
      if (ctx.lifetime === 'live') {
        // the token served is the emulator's newest and the emulator still accepts it
        const issued = w.emu.tokens.at(-1);
        expect(real.context.token?.reveal()).toBe(issued?.value);
        expect(issued?.expiresAt ?? 0).toBeGreaterThan(w.emu.now());
      } else {
        expect(real.context.token).toBeNull();
      }
      if (fetch === 'scheduled') {
        expect(real.context.sameTokenAnswers > 0).toBe(ctx.same);
        expect(fetches.at(-1)?.status).toBe(200);
      } else {
        expect(real.context.failures).toBeGreaterThan(0);
        expect(fetches.at(-1)?.status).toBe(500);
      }
    },
  };
}
