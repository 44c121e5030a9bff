import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { refreshDelayMs, tokenMachine, usableLifetimeMs, waitForToken, type TokenGrant } from '../../machines/token.machine.js';
import { QQAuthError, QQTokenEndpointError } from '../../src/errors.js';
import { Secret } from '../../src/secret.js';

interface Pending {
  resolve(grant: TokenGrant): void;
  reject(error: unknown): void;
}

/** The real token machine under SimulatedClock, with a fetch the test answers by hand. */
function harness(delays: Record<string, number> = {}) {
  const clock = new SimulatedClock();
  const fetches: Pending[] = [];
  const machine = tokenMachine.provide({
    actors: {
      fetchToken: fromPromise<TokenGrant>(() => new Promise<TokenGrant>((resolve, reject) => fetches.push({ resolve, reject }))),
    },
    delays: { RETRY_BACKOFF: 1_000, ...delays },
  });
  const actor = createActor(machine, { clock }).start();
  const flush = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const grant = (token: string, expiresInSeconds: number): TokenGrant => ({ accessToken: new Secret(token), expiresInSeconds });
  return { actor, clock, fetches, flush, grant };
}

describe('token machine', () => {
  it('refreshes 50 s before expiry (inside the 60-second overlap) and keeps serving the old token meanwhile', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    expect(h.actor.getSnapshot().context.token?.reveal()).toBe('A');
    h.clock.increment(7150_000 - 1);
    expect(h.fetches).toHaveLength(1);
    h.clock.increment(1);
    expect(h.fetches).toHaveLength(2);
    // while the refresh is in flight the old token is still served
    expect(await waitForToken(h.actor, {}).then((t) => t.reveal())).toBe('A');
    h.fetches[1]?.resolve(h.grant('B', 7200));
    await h.flush();
    expect(h.actor.getSnapshot().context.token?.reveal()).toBe('B');
  });

  it('a forced refresh answered with the same long-lived token waits for the 60-second window, not polling every few seconds', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    h.clock.increment(200_000);
    // e.g. after a 401 or close 4004: the platform still answers A, which has 7000 s left
    h.actor.send({ type: 'FORCE_REFRESH' });
    h.fetches[1]?.resolve(h.grant('A', 7000));
    await h.flush();
    expect(h.actor.getSnapshot().context.sameTokenAnswers).toBe(1);
    h.clock.increment(6950_000 - 1); // 50 s before it expires, as for any token
    expect(h.fetches).toHaveLength(2);
    h.clock.increment(1);
    expect(h.fetches).toHaveLength(3);
    h.fetches[2]?.resolve(h.grant('B', 7200));
    await h.flush();
    expect(h.actor.getSnapshot().context.token?.reveal()).toBe('B');
  });

  it('accepts a refresh that returns the same token (too early) and tries again soon, never in a hot loop', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    h.clock.increment(7150_000);
    h.fetches[1]?.resolve(h.grant('A', 52));
    await h.flush();
    expect(h.actor.getSnapshot().context.sameTokenAnswers).toBe(1);
    const retryIn = refreshDelayMs(52, 1);
    expect(retryIn).toBeGreaterThanOrEqual(1_000);
    expect(retryIn).toBeLessThanOrEqual(5_000);
    h.clock.increment(retryIn);
    expect(h.fetches).toHaveLength(3);
  });

  it('renews short-lived tokens before they expire, whatever the lifetime', () => {
    for (const seconds of [1, 3, 10, 59, 60, 61, 100, 101, 600, 7200]) {
      expect(refreshDelayMs(seconds, 0)).toBeLessThan(usableLifetimeMs(seconds));
      expect(refreshDelayMs(seconds, 0)).toBeGreaterThan(0);
    }
  });

  it('serves a token for its lifetime less 10 %, at most 5 s (docs/lifecycle.md): literal values, not the function under test', () => {
    // expires_in (s) → ms the token is served
    const expected: Array<[number, number]> = [
      [7200, 7_195_000],
      [100, 95_000],
      [50, 45_000],
      [30, 27_000],
      [3, 2_700],
      [1, 900],
      [0, 0],
    ];
    for (const [seconds, ms] of expected) expect(usableLifetimeMs(seconds), `${seconds} s`).toBe(ms);
  });

  it('stops serving a token at the end of its usable lifetime when no refresh succeeded: 100 s → 95 000 ms', async () => {
    const h = harness({ REFRESH: 999_999_999 });
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 100));
    await h.flush();
    h.clock.increment(94_999);
    expect(h.actor.getSnapshot().matches({ active: { lifetime: 'live' } })).toBe(true);
    expect((await waitForToken(h.actor, {})).reveal()).toBe('A');
    h.clock.increment(1);
    expect(h.actor.getSnapshot().matches({ active: { lifetime: 'expired' } })).toBe(true);
    expect(h.actor.getSnapshot().context.token).toBeNull();
  });

  it('a 3-second token is served 2 700 ms', async () => {
    const h = harness({ REFRESH: 999_999_999 });
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 3));
    await h.flush();
    h.clock.increment(2_699);
    expect(h.actor.getSnapshot().context.token?.reveal()).toBe('A');
    h.clock.increment(1);
    expect(h.actor.getSnapshot().context.token).toBeNull();
  });

  it('a 4004 (TOKEN.REJECTED) stops serving the token at once, fetches, and a forced refresh then shares that fetch', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    h.clock.increment(60_000);
    h.actor.send({ type: 'TOKEN.REJECTED' });
    expect(h.actor.getSnapshot().context.token).toBeNull();
    expect(h.actor.getSnapshot().matches({ active: { lifetime: 'rejected' } })).toBe(true);
    expect(h.fetches).toHaveLength(2);
    // every caller waits; the shard that got the 4004 asks for a forced refresh: no second request
    let served: string | null = null;
    void waitForToken(h.actor, {}).then((t) => (served = t.reveal()));
    const forced = waitForToken(h.actor, { forceRefresh: true });
    await h.flush();
    expect(served).toBeNull();
    expect(h.fetches).toHaveLength(2);
    h.fetches[1]?.resolve(h.grant('B', 7200));
    expect((await forced).reveal()).toBe('B');
    await h.flush();
    expect(served).toBe('B');
    expect(h.fetches).toHaveLength(2);
  });

  it('the forced refresh of the shard that got the 4004, after its backoff, is the fetch TOKEN.REJECTED made (one request, not two)', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    h.actor.send({ type: 'TOKEN.REJECTED' });
    h.fetches[1]?.resolve(h.grant('B', 7200));
    await h.flush();
    h.clock.increment(5_000); // the shard's backoff
    expect((await waitForToken(h.actor, { forceRefresh: true })).reveal()).toBe('B');
    expect(h.fetches).toHaveLength(2);
    // a later forced refresh (a 401, another 4004) asks the endpoint again
    const again = waitForToken(h.actor, { forceRefresh: true });
    await h.flush();
    expect(h.fetches).toHaveLength(3);
    h.fetches[2]?.resolve(h.grant('C', 7200));
    expect((await again).reveal()).toBe('C');
  });

  it('backs off on transient failures and fails only on rejected credentials', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.reject(new QQTokenEndpointError('HTTP 502', { status: 502 }));
    await h.flush();
    expect(h.actor.getSnapshot().matches({ active: { fetch: 'backoff' } })).toBe(true);
    h.clock.increment(999);
    expect(h.fetches).toHaveLength(1);
    h.clock.increment(1);
    expect(h.fetches).toHaveLength(2);
    h.fetches[1]?.reject(new QQAuthError('appid invalid', 100007));
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('failed');
    await expect(waitForToken(h.actor, {})).rejects.toBeInstanceOf(QQAuthError);
  });

  it('FORCE_REFRESH fetches at once and concurrent requests share the one fetch', async () => {
    const h = harness();
    h.actor.send({ type: 'START' });
    h.fetches[0]?.resolve(h.grant('A', 7200));
    await h.flush();
    const first = waitForToken(h.actor, { forceRefresh: true });
    const second = waitForToken(h.actor, { forceRefresh: true });
    await h.flush();
    expect(h.fetches).toHaveLength(2);
    h.fetches[1]?.resolve(h.grant('B', 7200));
    expect((await first).reveal()).toBe('B');
    expect((await second).reveal()).toBe('B');
  });
});
