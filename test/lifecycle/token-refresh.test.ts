import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { QQAuthError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { startBotOnEmulator, waitForState, type BotFixture, settle } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});


/** Starts the bot with the emulator and the machines on one simulated clock. */
async function startOnSimulatedTime(tokenTtl: number) {
  const clock = new SimulatedClock();
  const origin = Date.now();
  fixture = await startBotOnEmulator({
    emulator: { tokenTtl, heartbeatInterval: 1_000, now: () => origin + clock.now() },
    bot: { clock, timing: { http: { tokenMs: 300, gatewayMs: 2_000 } } },
  });
  return { fx: fixture, clock };
}

async function advance(clock: SimulatedClock, totalMs: number, stepMs = 100): Promise<void> {
  for (let elapsed = 0; elapsed < totalMs; elapsed += stepMs) {
    clock.increment(stepMs);
    await settle();
  }
}

describe('token lifecycle against the emulator', () => {
  it('with a 3-second TTL, refreshes across many cycles and never uses an expired token', async () => {
    const { fx, clock } = await startOnSimulatedTime(3);
    const started = fx.bot.start();
    await settle();
    await started;
    // keep the socket healthy: the emulator ACKs heartbeats, which the simulated clock sends
    await advance(clock, 20_000);
    fx.emu.closeSession(4009); // a resume in the middle of the refresh cycles
    await advance(clock, 10_000);
    expect(fx.emu.stats.tokensIssued).toBeGreaterThanOrEqual(10);
    expect(fx.emu.stats.expiredTokenUses).toBe(0);
    expect(fx.bot.state.shards[0]?.ready).toBe(true);
    const resume = fx.emu.connections.at(-1)?.received.find((f) => f.op === OpCode.Resume);
    expect(resume).toBeDefined();
  });

  it('recovers when the token endpoint fails in every way, then answers again', async () => {
    const { fx, clock } = await startOnSimulatedTime(3);
    const started = fx.bot.start();
    await settle();
    await started;
    fx.emu.failTokenEndpoint(1, '5xx');
    fx.emu.failTokenEndpoint(1, 'error-code');
    fx.emu.failTokenEndpoint(1, 'bad-json');
    fx.emu.failTokenEndpoint(1, 'timeout');
    const errors: string[] = [];
    fx.bot.errors$.subscribe((error) => errors.push(error.code));
    // The 'timeout' fault holds the request until the client's own (real-time) HTTP timeout, so
    // keep stepping simulated time until the bot is healthy again, within a bound.
    for (let step = 0; step < 600 && !(fx.bot.state.token === 'live' && fx.emu.stats.tokensIssued >= 3 && errors.length >= 4); step++) {
      await advance(clock, 500);
      if (step % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(errors.filter((code) => code === 'TOKEN_ENDPOINT').length).toBeGreaterThanOrEqual(4);
    expect(fx.bot.state.token).toBe('live');
    await advance(clock, 2_000);
    expect(fx.bot.state.shards[0]?.ready).toBe(true);
    expect(fx.emu.stats.expiredTokenUses).toBe(0);
  });

  it('rejected credentials fail start() with a QQAuthError that names the problem, with no retry loop', async () => {
    fixture = await startBotOnEmulator();
    const emuSecret = 'wrong-secret-zzzz';
    const { createBot } = await import('../../src/bot.js');
    const bot = createBot({ appId: '102000001', secret: emuSecret, tokenUrl: fixture.emu.tokenUrl, apiBase: fixture.emu.apiBase, logger: fixture.logs.logger });
    const error = await bot.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QQAuthError);
    expect((error as QQAuthError).message).not.toContain(emuSecret);
    expect(fixture.emu.requests.filter((r) => r.path === '/app/getAppAccessToken')).toHaveLength(1);
    await bot.stop();
    expect(fixture.logs.text()).not.toContain(emuSecret);
  });
});

describe('gateway discovery against the emulator', () => {
  it('backs off and retries through 5xx and malformed answers', async () => {
    fixture = await startBotOnEmulator();
    fixture.emu.failGatewayEndpoint(2, '5xx');
    fixture.emu.failGatewayEndpoint(1, 'bad-json');
    await fixture.bot.start();
    expect(fixture.emu.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(4);
  });

  it('a configured gatewayUrl skips discovery', async () => {
    fixture = await startBotOnEmulator();
    const { createBot } = await import('../../src/bot.js');
    const bot = createBot({
      appId: '102000001',
      secret: 'emulator-secret-0123456789',
      tokenUrl: fixture.emu.tokenUrl,
      apiBase: fixture.emu.apiBase,
      gatewayUrl: fixture.emu.gatewayUrl,
      logger: fixture.logs.logger,
    });
    await bot.start();
    expect(fixture.emu.requests.some((r) => r.path.startsWith('/gateway'))).toBe(false);
    await bot.stop();
  });

  it('refuses to start when session_start_limit.remaining is below the shard count', async () => {
    fixture = await startBotOnEmulator({ emulator: { shards: 3, sessionStartLimit: { remaining: 2, maxConcurrency: 5 } } });
    await expect(fixture.bot.start()).rejects.toMatchObject({ code: 'SESSION_LIMIT' });
    expect(fixture.emu.connections).toHaveLength(0);
  });

  it('runs an explicit range of shards and routes guild events to the right one', async () => {
    fixture = await startBotOnEmulator({ emulator: { shards: 4 }, bot: { shards: { total: 4, ids: [1, 2] } } });
    await fixture.bot.start();
    expect(fixture.bot.state.shards.map((s) => s.id)).toEqual([1, 2]);
    const identifies = fixture.emu.connections.map((c) => (c.received.find((f) => f.op === OpCode.Identify)?.d as { shard: number[] }).shard);
    expect(identifies.sort()).toEqual([
      [1, 4],
      [2, 4],
    ]);
    // guild id whose (id >> 22) % 4 === 2
    const guildId = String(2n << 22n);
    const seen = new Promise((resolve) => fixture!.bot.on('AT_MESSAGE_CREATE').subscribe(resolve));
    fixture.emu.guildAtMessage({ guildId, content: 'hi' });
    expect(await seen).toMatchObject({ shard: 2 });
  });
});

describe('identify pacing against the emulator', () => {
  it('paces the identifies of two shards to max_concurrency per 5 s (the emulator would close with 4008)', async () => {
    fixture = await startBotOnEmulator({
      emulator: { shards: 2, sessionStartLimit: { maxConcurrency: 1, remaining: 50 } },
      // the machine's own identify window (5.5 s), not the shortened one of the other tests
      bot: { timing: { shard: { RECONNECT_BACKOFF: 5, INVALID_SESSION_WAIT: 5 }, identify: {} } },
    });
    await fixture.bot.start();
    expect(fixture.emu.connections.filter((c) => c.closed?.code === 4008)).toHaveLength(0);
  }, 15_000);
});
