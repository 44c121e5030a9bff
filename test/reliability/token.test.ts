/**
 * Issue 8, part 2 — tokens: compressed TTLs (seconds) across many refresh cycles while the token
 * endpoint fails in every way the emulator knows (5xx, timeout, HTTP 200 with an error code, bad
 * JSON, slow), with gateway reconnects and REST calls that need a token in between. The emulator
 * must record zero uses of an expired token, and the bot must recover each time the endpoint does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { tokenRetryCapMs } from '../../machines/token.machine.js';
import { createBot, type Bot } from '../../src/bot.js';
import { startEmulator, type Emulator, type HttpFaultKind } from '../../src/emulator/index.js';
import { appId, captureLogs, secret } from '../support/bot-fixture.js';
import { maxOf, percentile, prng, report, round, seed, sized, timeoutFor } from './support/scale.js';
import { SimDriver } from './support/sim-driver.js';

const size = sized({ ci: { cycles: 100 }, full: { cycles: 1_000 }, soak: { cycles: 10_000 } });
const TOKEN_TTL_SECONDS = 5;
const kinds: readonly HttpFaultKind[] = ['5xx', 'timeout', 'error-code', 'bad-json', 'slow'];
/** The bot's HTTP timeout for a token request (`timing.http.tokenMs`); 'slow' answers above it fail. */
const TOKEN_REQUEST_TIMEOUT_MS = 100;

let emu: Emulator | undefined;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  await emu?.close();
  bot = undefined;
  emu = undefined;
});

describe('tokens: compressed lifetimes, failing endpoint', () => {
  it(
    `${size.cycles} refresh cycles at a ${TOKEN_TTL_SECONDS}-second TTL through every kind of endpoint failure: no expired token ever used, recovery every time`,
    async () => {
      const rng = prng(seed + 2);
      let restPending = 0;
      const driver = new SimDriver({
        stepMs: 100,
        extraIo: () => (restPending > 0 && bot?.state.token === 'live' ? 'rest' : null),
      });
      emu = await startEmulator({ appId, secret, tokenTtl: TOKEN_TTL_SECONDS, heartbeatInterval: 10_000, now: driver.emulatorNow });
      const logs = captureLogs('debug');
      bot = createBot({
        appId,
        secret,
        tokenUrl: emu.tokenUrl,
        apiBase: emu.apiBase,
        clock: driver.clock,
        logger: logs.logger,
        timing: { http: { tokenMs: TOKEN_REQUEST_TIMEOUT_MS, gatewayMs: 2_000, restMs: 2_000 } },
      });
      driver.attach(bot);
      // Tokens issued (after start), and errors with how many tokens had been issued before each: the
      // order of a failure and an issue within one simulated step is kept.
      const issuedAt: number[] = [];
      const errors: Array<{ at: number; code: string; issuedBefore: number }> = [];
      bot.errors$.subscribe((error) => errors.push({ at: driver.now(), code: error.code, issuedBefore: issuedAt.length }));
      const lapses: number[] = [];
      let lapsedAt: number | null = null;
      bot.state$.subscribe((state) => {
        if (state.token === 'expired' && lapsedAt === null) lapsedAt = driver.now();
        if (state.token === 'live' && lapsedAt !== null) {
          lapses.push(driver.now() - lapsedAt);
          lapsedAt = null;
        }
      });

      const started = bot.start();
      started.catch(() => undefined);
      await driver.until(() => bot!.state.status === 'running', { maxSimMs: 60_000, description: 'start' });
      await started;
      const token = bot.actor.system.get('token') as AnyActorRef;
      token.on('token.issued', () => issuedAt.push(driver.now()));

      // The run: outages of 1–6 failures (each kind, and mixed), gateway reconnects, REST calls.
      const injected: Record<string, number> = {};
      const outages: Array<{ start: number; failures: number }> = [];
      const rest = { calls: 0, ok: 0, failed: [] as string[] };
      const gatewayFaults: Record<string, number> = {};
      let kindCursor = 0;
      // Failures still queued in the emulator: each token request takes one.
      let queued = 0;
      let requestsSeen = 0;
      while (emu.stats.tokensIssued < size.cycles) {
        for (; requestsSeen < emu.requests.length; requestsSeen++) {
          if (emu.requests[requestsSeen]!.path === '/app/getAppAccessToken') queued = Math.max(0, queued - 1);
        }
        // A new outage only once the bot has a fresh token again: each outage is measured on its own.
        const recovered = queued === 0 && bot.state.token === 'live' && (issuedAt.at(-1) ?? 0) > (outages.at(-1)?.start ?? -1);
        if (recovered && rng.next() < 0.01) {
          const failures = 1 + rng.int(6);
          for (let i = 0; i < failures; i++) {
            const kind = rng.next() < 0.5 ? kinds[kindCursor++ % kinds.length]! : rng.pick(kinds);
            emu.failTokenEndpoint(1, kind, { status: rng.pick([500, 502, 503, 504, 429]), delayMs: 20 + rng.int(160) });
            injected[kind] = (injected[kind] ?? 0) + 1;
          }
          queued += failures;
          outages.push({ start: driver.now(), failures });
        }
        if (rng.next() < 0.01 && bot.state.shards[0]?.ready) {
          const fault = rng.pick(['close-4009', 'drop', 'op9-not-resumable', 'close-4004'] as const);
          if (fault === 'close-4009') emu.closeSession(4009);
          else if (fault === 'drop') emu.dropConnection();
          else if (fault === 'op9-not-resumable') emu.sendInvalidSession(false);
          else emu.closeSession(4004);
          gatewayFaults[fault] = (gatewayFaults[fault] ?? 0) + 1;
        }
        if (rng.next() < 0.05) {
          rest.calls += 1;
          restPending += 1;
          bot.api
            .getMe()
            .then(
              () => (rest.ok += 1),
              (error: Error) => rest.failed.push(error.message),
            )
            .finally(() => (restPending -= 1));
        }
        await driver.step();
      }
      const injectionEnded = driver.now();
      // From the endpoint's last failed answer to the next token issued. Not "until the token is live
      // after the injection": it may have been live again long before the injection ended (issued 30 s
      // after the last failure, then 18 s of healthy refreshes, read as 48 s).
      const tokenFailures = () => errors.filter((e) => e.code === 'TOKEN_ENDPOINT');
      const issuedAfterLastFailure = () => issuedAt[tokenFailures().at(-1)?.issuedBefore ?? 0];
      await driver.until(() => bot!.state.token === 'live' && issuedAfterLastFailure() !== undefined, {
        maxSimMs: 120_000,
        description: 'a token issued after the last failure, live',
      });
      const lastFailure = tokenFailures().at(-1);
      const tokenBackIn = lastFailure ? issuedAfterLastFailure()! - lastFailure.at : 0;
      await driver.until(() => bot!.state.shards[0]?.ready === true && restPending === 0, {
        maxSimMs: 180_000,
        description: 'shard ready, REST calls done',
      });

      // Recovery: from the last failure of a run of failures to the next token issued.
      const failures = tokenFailures();
      const failuresAt = failures.map((e) => e.at);
      const recoveries: number[] = [];
      for (let i = 0; i < failures.length; i++) {
        const failure = failures[i]!;
        const next = issuedAt[failure.issuedBefore];
        const nextFailure = failures[i + 1];
        if (next !== undefined && (nextFailure === undefined || nextFailure.issuedBefore > failure.issuedBefore)) recoveries.push(next - failure.at);
      }
      // No hot loop: token requests in any simulated minute.
      const tokenRequests = emu.requests.filter((r) => r.path === '/app/getAppAccessToken').map((r) => r.at);
      let perMinuteMax = 0;
      for (let i = 0, j = 0; i < tokenRequests.length; i++) {
        while (tokenRequests[i]! - tokenRequests[j]! >= 60_000) j++;
        perMinuteMax = Math.max(perMinuteMax, i - j + 1);
      }
      const restRequests = emu.requests.filter((r) => r.path === '/users/@me');
      const figures = {
        tokenTtlSeconds: TOKEN_TTL_SECONDS,
        refreshCycles: emu.stats.tokensIssued,
        tokenRequests: tokenRequests.length,
        endpointFailuresInjected: injected,
        endpointFailuresTotal: Object.values(injected).reduce((a, b) => a + b, 0),
        outages: outages.length,
        tokenEndpointErrorsReported: failuresAt.length,
        expiredTokenUses: emu.stats.expiredTokenUses,
        restRequestsWithExpiredToken: restRequests.filter((r) => r.tokenExpired).length,
        gatewayFaults,
        identifies: emu.stats.identifies,
        resumes: emu.stats.resumes,
        restCalls: rest.calls,
        restOk: rest.ok,
        restFailed: rest.failed.length,
        tokenLapses: { count: lapses.length, p50Ms: percentile(lapses, 50), maxMs: maxOf(lapses) },
        recoveryAfterEndpointBackMs: { count: recoveries.length, p50: percentile(recoveries, 50), p99: percentile(recoveries, 99), max: maxOf(recoveries) },
        tokenLiveAfterLastFailureMs: tokenBackIn,
        tokenRequestsPerSimulatedMinuteMax: perMinuteMax,
        simulatedMinutes: round((driver.now() - 0) / 60_000, 1),
        injectionSimulatedMinutes: round(injectionEnded / 60_000, 1),
        driver: driver.stats,
      };
      report('token', figures);

      expect(emu.stats.tokensIssued).toBeGreaterThanOrEqual(size.cycles);
      expect(emu.stats.expiredTokenUses).toBe(0);
      expect(restRequests.every((r) => !r.tokenExpired)).toBe(true);
      for (const kind of kinds) expect(injected[kind], kind).toBeGreaterThan(0);
      // Every injected failure was seen by the bot and reported (slow answers within the timeout succeed).
      expect(failuresAt.length).toBeGreaterThanOrEqual(figures.endpointFailuresTotal - (injected['slow'] ?? 0));
      expect(rest.failed).toEqual([]);
      expect(rest.ok).toBe(rest.calls);
      // The bot recovers when the endpoint does: after a failed answer the next request comes at most the
      // backoff cap later, and takes at most the HTTP timeout; timers fire on the driver's steps.
      const recoveryBoundMs = tokenRetryCapMs + TOKEN_REQUEST_TIMEOUT_MS + driver.stepMs;
      expect(maxOf(recoveries)).toBeLessThanOrEqual(recoveryBoundMs);
      expect(tokenBackIn).toBeLessThanOrEqual(recoveryBoundMs);
      expect(bot.state.token).toBe('live');
      expect(bot.state.shards[0]?.ready).toBe(true);
      expect(perMinuteMax).toBeLessThanOrEqual(60);
      expect(logs.text()).not.toContain(secret);
    },
    timeoutFor({ ci: 60_000, full: 600_000, soak: 3_600_000 }),
  );
});
