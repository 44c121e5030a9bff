/**
 * A 4004 on one shard means the platform refused a token of ours, maybe every one it issued. The
 * other shards must not use one either while the fresh token is on its way: the shard reports the
 * 4004 to the token actor at once (TOKEN.REJECTED), not when its own backoff ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBot, type SimBot } from '../reliability/support/sim-bot.js';

let sim: SimBot | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('token revoked on the platform', () => {
  it('after a 4004 on shard 0, shard 1 reconnecting meanwhile waits for the fresh token instead of sending the revoked one', async () => {
    sim = await startSimBot({ emulator: { shards: 2, sessionStartLimit: { maxConcurrency: 2 } } });
    expect(await sim.start()).toBeUndefined();
    const { emu, driver, bot } = sim;
    const shard1 = () => emu.connections.filter((c) => c.shardId === 1).at(-1)!;
    // The platform revokes every token; the endpoint fails once, so the fresh token takes a retry (about 1 s).
    emu.failTokenEndpoint(1, '5xx', { status: 503 });
    emu.expireTokens();
    emu.closeSession(4004, { shard: 0 });
    await driver.settle(5);
    const before = shard1().id;
    emu.dropConnection({ connection: before });
    await driver.until(() => bot.state.shards.every((s) => s.ready), { maxSimMs: 120_000, description: 'both shards back' });
    expect(emu.stats.expiredTokenUses).toBe(0);
    // shard 1 did reconnect (resumed) with the token issued after the revocation
    const revokedAt = emu.tokens[0]!.expiresAt;
    const resume = shard1().received.find((f) => f.op === 6)?.d as { token?: string } | undefined;
    expect(shard1().id).toBeGreaterThan(before);
    expect(emu.tokens.find((t) => `QQBot ${t.value}` === resume?.token)?.issuedAt).toBeGreaterThanOrEqual(revokedAt);
  });
});
