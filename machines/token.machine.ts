import { assign, emit, fromPromise, raise, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { QQAuthError, QQBotError } from '../src/errors.js';
import { Secret } from '../src/secret.js';
import { exponentialDelayMs, maxTimerMs } from './backoff.js';

/** What the token endpoint answered, already validated by the HTTP actor. */
export interface TokenGrant {
  accessToken: Secret;
  /** Remaining lifetime in seconds, as the platform reports it (reference §1.2: sent as a string). */
  expiresInSeconds: number;
}

export interface TokenContext {
  token: Secret | null;
  expiresInSeconds: number;
  /** Successful fetches so far; a forced refresh waits for this to grow. */
  fetchCount: number;
  /** Consecutive failures, for backoff. */
  failures: number;
  /** Same-token answers in a row: the refresh came before the platform's 60-second window. */
  sameTokenAnswers: number;
  /** TOKEN.REJECTED came and no fetch has answered since. */
  rejectionUnanswered: boolean;
  /**
   * The token held was fetched because of a TOKEN.REJECTED, and no forced refresh has used it yet:
   * the shard that got the 4004 asks for a forced refresh when its backoff ends, and that fetch
   * already is the one it asks for.
   */
  answeredRejection: boolean;
  error: QQBotError | null;
}

export type TokenEvent =
  | { type: 'START' }
  | { type: 'FORCE_REFRESH' }
  /**
   * The platform refused a token of ours (close 4004). It does not say whether it revoked only that
   * one: serve none until a fresh answer of the endpoint, so that no other shard or request uses a
   * revoked token meanwhile (even a newer one than the token refused).
   */
  | { type: 'TOKEN.REJECTED' }
  | { type: 'STOP' }
  | { type: 'TOKEN.ISSUED' };

export type TokenEmitted =
  | { type: 'token.issued'; expiresInSeconds: number; renewed: boolean }
  | { type: 'token.expired' }
  | { type: 'token.error'; error: QQBotError };

/**
 * Seconds before expiry at which a refresh is attempted. The platform issues a new token only in
 * the last 60 s of the old one's life, and both stay valid then (reference §1.3); 50 s leaves a
 * 10-second margin for clock skew and several retries.
 */
export const refreshLeadSeconds = 50;

/**
 * How long a token is served: its lifetime less a safety margin (10 %, at most 5 s), so a frame or
 * request sent at the last moment does not reach the platform with an expired token.
 */
export function usableLifetimeMs(expiresInSeconds: number): number {
  const lifeMs = expiresInSeconds * 1000;
  return Math.max(0, lifeMs - Math.min(5_000, lifeMs * 0.1));
}

/**
 * The longest wait between a failed token request and the next one: RETRY_BACKOFF grows 1 s, 2 s, 4 s …
 * with jitter, and never beyond this cap (the jitter too is clamped to it by `exponentialDelayMs`).
 */
export const tokenRetryCapMs = 30_000;

/** The longest wait before asking again when the platform answered the token we hold, close to its window. */
export const sameTokenRetryMaxMs = 5_000;

/**
 * When to refresh a token with `expiresInSeconds` left. `sameTokenAnswers > 0`: the platform answered the
 * token we already hold, which it does until the token's last 60 s (reference §1.3). Close to that window
 * we were just early: ask again soon (1 s at least, no hot loop). Far from it (a forced refresh after a
 * 401 or close 4004 answered with the current token) asking again soon would only get the same token
 * again, so wait for the window as usual (reference §1.4: "reschedule it for inside the 60 s window").
 */
export function refreshDelayMs(expiresInSeconds: number, sameTokenAnswers: number): number {
  const lifeMs = expiresInSeconds * 1000;
  if (sameTokenAnswers > 0) {
    const untilLeadMs = lifeMs - refreshLeadSeconds * 1000;
    if (untilLeadMs > sameTokenRetryMaxMs) return Math.min(untilLeadMs, maxTimerMs);
    return Math.max(1_000, Math.min(sameTokenRetryMaxMs, lifeMs / 4));
  }
  if (expiresInSeconds > refreshLeadSeconds * 2) return Math.min(lifeMs - refreshLeadSeconds * 1000, maxTimerMs);
  // Short lifetimes (tests, or a token fetched late in its life): renew at 60 % of what is left.
  return Math.max(200, Math.round(lifeMs * 0.6));
}

/**
 * The access token's life: fetch, serve, refresh inside the overlap window, back off on failure,
 * fail only when the platform rejects the credentials.
 *
 * Two regions run side by side: `fetch` decides when to call the endpoint; `lifetime` knows whether
 * the token we hold is still valid, so the old token is served until the new one arrives and never
 * after it has expired.
 */
export const tokenMachine = setup({
  types: {
    context: {} as TokenContext,
    events: {} as TokenEvent,
    emitted: {} as TokenEmitted,
  },
  actors: {
    fetchToken: fromPromise<TokenGrant>(async () => {
      throw new Error('fetchToken is not provided: use tokenMachine.provide({ actors: { fetchToken } })');
    }),
  },
  guards: {
    /** Params: the fetch's error event, which `assertEvent` cannot name. */
    credentialsRejected: (_, params: { error: unknown }) => params.error instanceof QQAuthError,
    answersRejection: ({ context }) => context.answeredRejection,
    /** Params: the fetch's done event's grant. */
    isSameToken: ({ context }, params: { grant: TokenGrant }) => params.grant.accessToken.equals(context.token ?? undefined),
  },
  delays: {
    REFRESH: ({ context }) => refreshDelayMs(context.expiresInSeconds, context.sameTokenAnswers),
    RETRY_BACKOFF: ({ context }) => exponentialDelayMs(context.failures - 1, tokenRetryCapMs),
    TOKEN_LIFETIME: ({ context }) => Math.min(usableLifetimeMs(context.expiresInSeconds), maxTimerMs),
  },
}).createMachine({
  id: 'token',
  context: {
    token: null,
    expiresInSeconds: 0,
    fetchCount: 0,
    failures: 0,
    sameTokenAnswers: 0,
    rejectionUnanswered: false,
    answeredRejection: false,
    error: null,
  },
  initial: 'idle',
  on: { STOP: '.stopped' },
  states: {
    idle: {
      on: { START: 'active', FORCE_REFRESH: 'active' },
    },
    active: {
      type: 'parallel',
      on: {
        // The old token is not served while the new one is fetched (a fetch in flight starts over:
        // its answer may predate the refusal).
        'TOKEN.REJECTED': {
          target: ['.fetch.fetching', '.lifetime.rejected'],
          actions: assign({ token: null, rejectionUnanswered: true, answeredRejection: false }),
        },
      },
      states: {
        fetch: {
          initial: 'fetching',
          states: {
            fetching: {
              invoke: {
                id: 'fetchToken',
                src: 'fetchToken',
                onDone: [
                  {
                    guard: { type: 'isSameToken', params: ({ event }) => ({ grant: event.output }) },
                    target: 'scheduled',
                    actions: [
                      assign({
                        expiresInSeconds: ({ event }) => event.output.expiresInSeconds,
                        fetchCount: ({ context }) => context.fetchCount + 1,
                        failures: 0,
                        sameTokenAnswers: ({ context }) => context.sameTokenAnswers + 1,
                        answeredRejection: ({ context }) => context.rejectionUnanswered,
                        rejectionUnanswered: false,
                      }),
                      raise({ type: 'TOKEN.ISSUED' }),
                    ],
                  },
                  {
                    target: 'scheduled',
                    actions: [
                      assign({
                        token: ({ event }) => event.output.accessToken,
                        expiresInSeconds: ({ event }) => event.output.expiresInSeconds,
                        fetchCount: ({ context }) => context.fetchCount + 1,
                        failures: 0,
                        sameTokenAnswers: 0,
                        answeredRejection: ({ context }) => context.rejectionUnanswered,
                        rejectionUnanswered: false,
                        error: null,
                      }),
                      raise({ type: 'TOKEN.ISSUED' }),
                      emit(({ context, event }) => ({
                        type: 'token.issued' as const,
                        expiresInSeconds: event.output.expiresInSeconds,
                        renewed: context.fetchCount > 0,
                      })),
                    ],
                  },
                ],
                onError: [
                  {
                    guard: { type: 'credentialsRejected', params: ({ event }) => ({ error: event.error }) },
                    target: '#token.failed',
                    actions: [
                      assign({ error: ({ event }) => event.error as QQBotError }),
                      emit(({ event }) => ({ type: 'token.error' as const, error: event.error as QQBotError })),
                    ],
                  },
                  {
                    target: 'backoff',
                    actions: [
                      assign({
                        failures: ({ context }) => context.failures + 1,
                        error: ({ event }) => toBotError(event.error),
                      }),
                      emit(({ event }) => ({ type: 'token.error' as const, error: toBotError(event.error) })),
                    ],
                  },
                ],
              },
            },
            scheduled: {
              after: { REFRESH: 'fetching' },
              on: {
                FORCE_REFRESH: [
                  // The first forced refresh after a TOKEN.REJECTED's answer: that answer is it (no second request).
                  { guard: 'answersRejection', actions: assign({ answeredRejection: false }) },
                  { target: 'fetching' },
                ],
              },
            },
            backoff: {
              after: { RETRY_BACKOFF: 'fetching' },
              on: { FORCE_REFRESH: 'fetching' },
            },
          },
        },
        lifetime: {
          initial: 'none',
          states: {
            none: {
              on: { 'TOKEN.ISSUED': 'live' },
            },
            live: {
              after: {
                TOKEN_LIFETIME: {
                  target: 'expired',
                  actions: [assign({ token: null }), emit({ type: 'token.expired' as const })],
                },
              },
              on: { 'TOKEN.ISSUED': { target: 'live', reenter: true } },
            },
            expired: {
              on: { 'TOKEN.ISSUED': 'live' },
            },
            rejected: {
              on: { 'TOKEN.ISSUED': 'live' },
            },
          },
        },
      },
    },
    // Not final: the actor stays registered, so a shard asking for a token after the failure (at the
    // end of its backoff, say) gets this failure's error, not "no token actor".
    failed: {},
    stopped: { type: 'final' },
  },
});

export type TokenActorRef = ActorRefFrom<typeof tokenMachine>;

function toBotError(error: unknown): QQBotError {
  if (error instanceof QQBotError) return error;
  return new QQBotError('TOKEN_ENDPOINT', error instanceof Error ? error.message : String(error), { cause: error });
}

/** True when the token actor holds a token that has not expired. */
export function hasLiveToken(snapshot: ReturnType<TokenActorRef['getSnapshot']>): boolean {
  return snapshot.matches({ active: { lifetime: 'live' } }) && snapshot.context.token !== null;
}

export interface AcquireTokenInput {
  /** Fetch a new token first (after a 401, 11244 or close 4004). Concurrent requests share one fetch. */
  forceRefresh?: boolean;
}

/**
 * Resolves with a valid access token from the token actor registered as `systemId: 'token'`,
 * starting it if needed and waiting while it fetches. Rejects when the token actor fails.
 * Pure XState: no I/O of its own.
 */
export const acquireTokenLogic = fromPromise<Secret, AcquireTokenInput>(({ input, system, signal }) => {
  const tokenActor = system.get('token') as AnyActorRef | undefined;
  if (!tokenActor) return Promise.reject(new QQBotError('AUTH', 'No token actor registered (systemId "token")'));
  return waitForToken(tokenActor as TokenActorRef, input ?? {}, signal);
});

export function waitForToken(tokenActor: TokenActorRef, input: AcquireTokenInput, signal?: AbortSignal): Promise<Secret> {
  return new Promise<Secret>((resolve, reject) => {
    const initial = tokenActor.getSnapshot();
    const startCount = initial.context.fetchCount;
    // Read before the FORCE_REFRESH below uses it up.
    const refreshedForRejection = input.forceRefresh === true && initial.context.answeredRejection && initial.matches({ active: { fetch: 'scheduled' } });
    let settled = false;
    const check = (): boolean => {
      const snapshot = tokenActor.getSnapshot();
      if (snapshot.matches('failed') || snapshot.status === 'error') {
        return finish(() => reject(snapshot.context.error ?? new QQAuthError('Token actor failed')));
      }
      if (snapshot.matches('stopped') || snapshot.status === 'stopped') {
        return finish(() => reject(new QQBotError('STOPPED', 'Token actor stopped')));
      }
      const fresh = !input.forceRefresh || snapshot.context.fetchCount > startCount || refreshedForRejection;
      if (fresh && hasLiveToken(snapshot)) return finish(() => resolve(snapshot.context.token as Secret));
      return false;
    };
    const finish = (settle: () => void): boolean => {
      if (settled) return true;
      settled = true;
      subscription?.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      settle();
      return true;
    };
    const onAbort = (): void => {
      finish(() => reject(new QQBotError('STOPPED', 'Token request aborted')));
    };
    let subscription: { unsubscribe(): void } | undefined;
    if (signal?.aborted) return void onAbort();
    signal?.addEventListener('abort', onAbort);
    subscription = tokenActor.subscribe({ next: () => void check(), complete: () => void check(), error: () => void check() });
    if (settled) subscription.unsubscribe();
    // A refusal the token actor is already acting on (TOKEN.REJECTED) needs no second fetch: the one
    // under way, or the one that answered it, is the forced refresh.
    const snapshot = tokenActor.getSnapshot();
    const alreadyRefreshing = input.forceRefresh === true && snapshot.matches({ active: { lifetime: 'rejected' } });
    if ((input.forceRefresh && !alreadyRefreshing) || snapshot.matches('idle')) {
      tokenActor.send({ type: input.forceRefresh ? 'FORCE_REFRESH' : 'START' });
    }
    check();
  });
}
