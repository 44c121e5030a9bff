/**
 * Issue 8, part 4 — fatal errors and rate limits: fatal close codes and refused identifies never
 * loop (peer-sdks §3 pain 4), and across many reconnects IDENTIFY stays within session_start_limit
 * and max_concurrency, as the emulator counts them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QQGatewayError, QQSessionLimitError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { intentTable } from '../../src/protocol/intents.js';
import { prng, report, seed, sized, timeoutFor } from './support/scale.js';
import { startSimBot, type SimBot } from './support/sim-bot.js';

const HOUR = 3_600_000;

let fx: SimBot | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Connections per shard the emulator saw (a connection is attributed once it identified or resumed). */
function identifiesAccepted(sim: SimBot): number {
  return sim.emu.sessions.size;
}

describe('fatal errors never loop', () => {
  const fatalCodes = [4001, 4002, 4010, 4011, 4012, 4013, 4014, 4914, 4915];
  it(`fatal close codes ${fatalCodes.join(', ')}: the shard stops for good (one simulated hour later: no new connection)`, async () => {
    const rows: Array<Record<string, unknown>> = [];
    for (const code of fatalCodes) {
      fx = await startSimBot({ emulator: { shards: 2, sessionStartLimit: { maxConcurrency: 2 } } });
      expect(await fx.start()).toBeUndefined();
      const connectionsBefore = fx.emu.connections.length;
      const identifiesBefore = fx.emu.stats.identifies;
      fx.emu.closeSession(code, { shard: 0 });
      await fx.driver.advance(HOUR, 5_000);
      const state = fx.bot.state;
      const error = fx.errors.find((e) => e instanceof QQGatewayError && e.closeCode === code) as QQGatewayError | undefined;
      const row = {
        code,
        newConnectionsInAnHour: fx.emu.connections.length - connectionsBefore,
        newIdentifies: fx.emu.stats.identifies - identifiesBefore,
        bot: state.status,
        shard0: state.shards[0]?.state,
        shard1: state.shards[1]?.state,
        fatalError: error?.fatal === true,
      };
      rows.push(row);
      const botWide = code === 4914 || code === 4915;
      expect(row, String(code)).toMatchObject({ newConnectionsInAnHour: 0, newIdentifies: 0, shard0: 'failed', fatalError: true });
      if (botWide) expect(row).toMatchObject({ bot: 'failed', shard1: 'stopped' });
      // the other shard is unaffected by a shard-level fatal code
      else expect(row).toMatchObject({ bot: 'running', shard1: 'session.ready' });
      await fx.close();
      fx = undefined;
    }
    report('limits-fatal-codes', { rows });
  });

  it('intents the bot is not entitled to: IDENTIFY is refused (op 9 + 4903) at most twice, then nothing for an hour', async () => {
    fx = await startSimBot({
      emulator: { entitledIntents: intentTable.GROUP_AND_C2C_EVENT.bit },
      bot: { intents: ['GROUP_AND_C2C_EVENT', 'GUILD_MESSAGES'], privateBot: true },
    });
    const error = await fx.start();
    expect(error).toMatchObject({ code: 'INVALID_SESSION', fatal: true });
    const identifies = fx.emu.stats.identifies;
    const connections = fx.emu.connections.length;
    await fx.driver.advance(HOUR, 5_000);
    report('limits-refused-identify', { identifies, connections, identifiesAfterAnHour: fx.emu.stats.identifies, connectionsAfterAnHour: fx.emu.connections.length });
    expect(identifies).toBeLessThanOrEqual(2);
    expect(fx.emu.stats.identifies).toBe(identifies);
    expect(fx.emu.connections.length).toBe(connections);
  });

  it('rejected credentials: one token request, QQAuthError, nothing more for an hour', async () => {
    fx = await startSimBot({ bot: { secret: 'not-the-right-secret' } });
    const error = await fx.start();
    expect(error).toMatchObject({ code: 'AUTH', fatal: true });
    await fx.driver.advance(HOUR, 5_000);
    const tokenRequests = fx.emu.requests.filter((r) => r.path === '/app/getAppAccessToken').length;
    report('limits-rejected-credentials', { tokenRequests, connections: fx.emu.connections.length });
    expect(tokenRequests).toBe(1);
    expect(fx.emu.connections).toHaveLength(0);
    expect(fx.logs.text()).not.toContain('not-the-right-secret');
  });

  it('4004 with fresh tokens every time: three attempts, then the shard fails instead of looping', async () => {
    fx = await startSimBot();
    expect(await fx.start()).toBeUndefined();
    const before = fx.emu.connections.length;
    // The platform refuses every token from now on: each new connection gets 4004 at once.
    let refused = 0;
    const stopRefusing = fx.emu.waitFor(
      () => {
        for (const connection of fx!.emu.connections.slice(before)) {
          if (!connection.closed && connection.received.some((f) => f.op === OpCode.Resume || f.op === OpCode.Identify)) {
            refused += fx!.emu.closeSession(4004, { connection: connection.id });
          }
        }
        return false;
      },
      { timeoutMs: HOUR },
    );
    stopRefusing.catch(() => undefined);
    fx.emu.closeSession(4004);
    await fx.driver.advance(HOUR, 5_000);
    const after = fx.emu.connections.length - before;
    report('limits-4004-loop', { reconnectsAfterRefusals: after, refused, shard: fx.bot.state.shards[0]?.state });
    expect(fx.bot.state.shards[0]?.state).toBe('failed');
    expect(after).toBeLessThanOrEqual(3);
  });
});

describe('identify pacing and budget', () => {
  it('N shards starting one per window never identify with a token that expired while they waited for their slot', async () => {
    // 4 shards, max_concurrency 1: the last shard waits 15 s for its slot; the token lives 10 s.
    fx = await startSimBot({ emulator: { shards: 4, tokenTtl: 10, sessionStartLimit: { maxConcurrency: 1 } } });
    expect(await fx.start()).toBeUndefined();
    report('limits-slot-wait-token', { shards: 4, tokenTtlSeconds: 10, expiredTokenUses: fx.emu.stats.expiredTokenUses, identifies: fx.emu.stats.identifies });
    expect(fx.emu.stats.expiredTokenUses).toBe(0);
    expect(fx.emu.stats.identifies).toBe(4);
  });

  it('session_start_limit: kills spend the budget, the bot stops at 0 without ever being refused by the platform', async () => {
    const budget = 6;
    fx = await startSimBot({ emulator: { shards: 2, sessionStartLimit: { remaining: budget, total: 1000, maxConcurrency: 1 } } });
    expect(await fx.start()).toBeUndefined();
    const rng = prng(seed + 4);
    let resumableFaults = 0;
    let kills = 0;
    for (let round = 0; round < 200 && fx.bot.state.status === 'running'; round++) {
      const shard = rng.int(2);
      if (fx.bot.state.shards[shard]?.ready) {
        if (rng.next() < 0.25) {
          fx.emu.sendInvalidSession(false, { shard });
          kills += 1;
        } else {
          fx.emu.closeSession(4009, { shard });
          resumableFaults += 1;
        }
      }
      await fx.driver.advance(20_000, 500);
    }
    const failedAt = fx.emu.connections.length;
    await fx.driver.advance(HOUR, 5_000);
    const refusedByPlatform = fx.emu.connections.filter((c) => c.closed?.code === 4903).length;
    const limitError = fx.errors.find((e) => e instanceof QQSessionLimitError);
    report('limits-session-budget', {
      budget,
      sessionsStarted: identifiesAccepted(fx),
      kills,
      resumableFaults,
      resumes: fx.emu.stats.resumes,
      refusedByPlatform,
      bot: fx.bot.state.status,
      connectionsAfterFailure: fx.emu.connections.length - failedAt,
    });
    expect(identifiesAccepted(fx)).toBe(budget);
    expect(refusedByPlatform).toBe(0);
    expect(fx.bot.state.status).toBe('failed');
    expect(limitError?.fatal).toBe(true);
    expect(fx.emu.connections.length).toBe(failedAt);
  });

  const rounds = sized({ ci: 15, full: 150, soak: 1_500 });
  it(
    `max_concurrency 2 with 4 shards, ${rounds} rounds of every shard re-identifying, with random handshake latency: never two IDENTIFYs of a bucket within 5 s, no 4008`,
    async () => {
      const rng = prng(seed + 5);
      const helloDue = new Map<number, number>();
      fx = await startSimBot({
        emulator: { shards: 4, sessionStartLimit: { maxConcurrency: 2, total: 100_000 } },
        driver: { heldOnPurpose: (_shard, state) => state === 'session.awaitingHello' },
      });
      const sim = fx;
      sim.emu.holdHello();
      // Each new socket gets its Hello after a random 0–1.5 s of simulated latency.
      let seen = 0;
      const releaseDueHellos = () => {
        for (; seen < sim.emu.connections.length; seen++) helloDue.set(sim.emu.connections[seen]!.id, sim.driver.now() + rng.int(1_500));
        const due = [...helloDue.entries()].filter(([, at]) => at <= sim.driver.now());
        if (due.length > 0) {
          // releaseHello() greets every socket still waiting; later ones are held again.
          for (const [id] of due) helloDue.delete(id);
          sim.emu.releaseHello();
          sim.emu.holdHello();
          for (const [id] of [...helloDue]) if (sim.emu.connections[id - 1]?.sent.some((f) => f.op === OpCode.Hello)) helloDue.delete(id);
        }
      };
      const step = async (ms: number) => {
        for (let t = 0; t < ms; t += 250) {
          releaseDueHellos();
          await sim.driver.step(250);
        }
      };
      let outcome: unknown = null;
      sim.bot.start().then(
        () => (outcome = 'ok'),
        (error: unknown) => (outcome = error),
      );
      while (outcome === null) await step(250);
      expect(outcome).toBe('ok');
      for (let round = 0; round < rounds; round++) {
        sim.emu.sendInvalidSession(false);
        await step(1_000);
        while (!sim.bot.state.shards.every((s) => s.ready)) await step(1_000);
        await step(rng.int(10_000));
      }
      // IDENTIFY arrival times: each session is created the moment its IDENTIFY is accepted.
      const starts = [...sim.emu.sessions.values()].map((s) => ({ at: s.createdAt, bucket: s.shard[0] % 2 }));
      let worstWindow = 0;
      let worstBucketWindow = 0;
      for (const a of starts) {
        const inWindow = starts.filter((b) => b.at >= a.at && b.at < a.at + 5_000);
        worstWindow = Math.max(worstWindow, inWindow.length);
        worstBucketWindow = Math.max(worstBucketWindow, inWindow.filter((b) => b.bucket === a.bucket).length);
      }
      const rateLimited = sim.emu.connections.filter((c) => c.closed?.code === 4008).length;
      report('limits-max-concurrency', {
        shards: 4,
        maxConcurrency: 2,
        rounds,
        identifies: sim.emu.stats.identifies,
        sessions: sim.emu.sessions.size,
        closes4008: rateLimited,
        mostIdentifiesIn5s: worstWindow,
        mostIdentifiesOfOneBucketIn5s: worstBucketWindow,
        simulatedMinutes: Math.round(sim.driver.now() / 60_000),
      });
      expect(rateLimited).toBe(0);
      expect(worstWindow).toBeLessThanOrEqual(2);
      expect(worstBucketWindow).toBe(1);
      expect(sim.emu.sessions.size).toBe(4 * (rounds + 1));
    },
    timeoutFor({ ci: 60_000, full: 300_000, soak: 1_800_000 }),
  );
});
