import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RawClient } from './support/raw-client.js';
import { TEST_INTENTS, connectAndIdentify, fetchToken, startTestEmulator, type TestClock } from './support/emulator-fixture.js';

let emu: Emulator;
let clock: TestClock;

afterEach(async () => {
  await emu?.close();
});

async function limit(token: string): Promise<Record<string, number>> {
  const res = await fetch(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token}` } });
  return ((await res.json()) as { session_start_limit: Record<string, number> }).session_start_limit;
}

async function identify(token: string, shard: [number, number] = [0, 1]): Promise<RawClient> {
  const client = await RawClient.connect(emu.gatewayUrl);
  await client.next(10);
  client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard } });
  return client;
}

describe('session_start_limit', () => {
  it('counts remaining down on each successful Identify, not on Resume', async () => {
    ({ emu, clock } = await startTestEmulator({ sessionStartLimit: { total: 10, remaining: 3, maxConcurrency: 5 } }));
    const { access_token: token } = await fetchToken(emu);
    expect((await limit(token)).remaining).toBe(3);
    const { client, ready } = await connectAndIdentify(emu, { token });
    expect((await limit(token)).remaining).toBe(2);
    await client.close();
    const resumed = await RawClient.connect(emu.gatewayUrl);
    resumed.send({ op: 6, d: { token: `QQBot ${token}`, session_id: ready.d!.session_id, seq: 1 } });
    await resumed.next(0);
    expect((await limit(token)).remaining).toBe(2);
  });

  it('refuses an Identify with op 9 + 4903 once remaining is 0, and resets after reset_after', async () => {
    ({ emu, clock } = await startTestEmulator({ sessionStartLimit: { total: 5, remaining: 0, resetAfter: 60_000, maxConcurrency: 5 } }));
    const { access_token: token } = await fetchToken(emu);
    const refused = await identify(token);
    expect(await refused.next()).toEqual({ op: 9, d: false });
    expect((await refused.closed).code).toBe(4903);
    clock.advance(30_000);
    expect(await limit(token)).toMatchObject({ remaining: 0, reset_after: 30_000 });
    clock.advance(30_000);
    expect((await limit(token)).remaining).toBe(5);
    expect((await identify(token).then((c) => c.next(0))).t).toBe('READY');
  });

  it('allows at most max_concurrency Identifies per 5 s window, refusing the rest with 4008', async () => {
    ({ emu, clock } = await startTestEmulator({ shards: 3, sessionStartLimit: { maxConcurrency: 2 } }));
    const { access_token: token } = await fetchToken(emu);
    expect((await (await identify(token, [0, 3])).next(0)).t).toBe('READY');
    clock.advance(1_000);
    expect((await (await identify(token, [1, 3])).next(0)).t).toBe('READY');
    clock.advance(1_000);
    const third = await identify(token, [2, 3]);
    expect(await third.closed).toEqual({ code: 4008, reason: 'rate limited' });
    expect((await limit(token)).remaining).toBe(998);
    clock.advance(3_000); // the first identify leaves the window
    expect((await (await identify(token, [2, 3])).next(0)).t).toBe('READY');
  });
});
