import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RawClient } from './support/raw-client.js';
import { TEST_INTENTS, connectAndIdentify, fetchToken, startTestEmulator, type TestClock } from './support/emulator-fixture.js';

let emu: Emulator;
let clock: TestClock;

afterEach(async () => {
  await emu?.close();
});

async function resume(sessionId: string, seq: number, token: string): Promise<RawClient> {
  const client = await RawClient.connect(emu.gatewayUrl);
  await client.next(10);
  client.send({ op: 6, d: { token: `QQBot ${token}`, session_id: sessionId, seq } });
  return client;
}

async function identify(token: string, shard: [number, number]): Promise<RawClient> {
  const client = await RawClient.connect(emu.gatewayUrl);
  await client.next(10);
  client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard } });
  return client;
}

describe('resume window (resumeWindowMs)', () => {
  it('keeps a session without a socket resumable, with its buffered events, until the window has passed', async () => {
    ({ emu, clock } = await startTestEmulator({ resumeWindowMs: 10_000 }));
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.terminate();
    await emu.waitForClose();
    clock.advance(9_000);
    const missed = emu.c2cMessage({ content: 'while away' });
    expect(missed.delivered).toBe(true);
    const resumed = await resume(ready.d!.session_id, 1, token);
    expect(await resumed.next(0)).toMatchObject({ s: missed.s, id: missed.id });
    expect(await resumed.next(0)).toMatchObject({ t: 'RESUMED' });
    // Attached again: the window does not run while a socket is there.
    clock.advance(60_000);
    expect(emu.c2cMessage({ content: 'live' }).delivered).toBe(true);
  });

  it('answers 4006 to a RESUME after the window and delivers nothing to the expired session', async () => {
    ({ emu, clock } = await startTestEmulator({ resumeWindowMs: 10_000 }));
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.close(4000);
    await emu.waitForClose();
    clock.advance(10_001);
    expect(emu.c2cMessage({ content: 'nobody' }).delivered).toBe(false);
    const late = await resume(ready.d!.session_id, 1, token);
    expect(await late.closed).toEqual({ code: 4006, reason: 'session id invalid' });
  });

  it('has no window by default', async () => {
    ({ emu, clock } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.close(4000);
    await emu.waitForClose();
    clock.advance(3_600_000); // an hour: within the token lifetime
    const resumed = await resume(ready.d!.session_id, 1, token);
    expect(await resumed.next(0)).toMatchObject({ t: 'RESUMED' });
  });
});

describe('identify buckets (sessionStartLimit.perBucket)', () => {
  it('allows one IDENTIFY per bucket (shard_id % max_concurrency) per 5 s window and refuses a second with 4008', async () => {
    ({ emu, clock } = await startTestEmulator({ shards: 4, sessionStartLimit: { maxConcurrency: 2, perBucket: true } }));
    const { access_token: token } = await fetchToken(emu);
    expect((await (await identify(token, [0, 4])).next(0)).t).toBe('READY');
    clock.advance(6_000);
    expect((await (await identify(token, [0, 4])).next(0)).t).toBe('READY');
    clock.advance(1_000);
    // Bucket 0 again within its window: refused, although only one identify is in the window.
    expect(await (await identify(token, [2, 4])).closed).toEqual({ code: 4008, reason: 'rate limited' });
    // Bucket 1 is free.
    expect((await (await identify(token, [1, 4])).next(0)).t).toBe('READY');
    clock.advance(4_001);
    expect((await (await identify(token, [2, 4])).next(0)).t).toBe('READY');
  });

  it('counts only per window without perBucket (the default)', async () => {
    ({ emu, clock } = await startTestEmulator({ shards: 4, sessionStartLimit: { maxConcurrency: 2 } }));
    const { access_token: token } = await fetchToken(emu);
    expect((await (await identify(token, [0, 4])).next(0)).t).toBe('READY');
    expect((await (await identify(token, [2, 4])).next(0)).t).toBe('READY');
  });
});
