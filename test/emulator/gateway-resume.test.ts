import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RawClient } from './support/raw-client.js';
import { connectAndIdentify, fetchToken, startTestEmulator } from './support/emulator-fixture.js';

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

async function resume(sessionId: string, seq: number, token: string): Promise<RawClient> {
  const client = await RawClient.connect(emu.gatewayUrl);
  await client.next(10);
  client.send({ op: 6, d: { token: `QQBot ${token}`, session_id: sessionId, seq } });
  return client;
}

describe('resume', () => {
  it('replays exactly the missed dispatches with their original s and id, then RESUMED with d:""', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    const sessionId = ready.d!.session_id;
    const seen = emu.c2cMessage({ content: 'seen' });
    expect((await client.next(0)).s).toBe(2);
    await client.terminate();
    await emu.waitForClose();

    // Events during the disconnect are buffered by the session.
    const missed = [emu.c2cMessage({ content: 'a' }), emu.groupAtMessage({ content: 'b' }), emu.friendAdd()];
    expect(missed.map((m) => m.s)).toEqual([3, 4, 5]);
    expect(missed.every((m) => m.delivered)).toBe(true);

    const resumed = await resume(sessionId, seen.s!, token);
    const frames = [await resumed.next(0), await resumed.next(0), await resumed.next(0), await resumed.next(0)];
    expect(frames.slice(0, 3).map((f) => [f.s, f.id])).toEqual(missed.map((m) => [m.s, m.id]));
    expect(frames[3]).toEqual({ op: 0, s: 6, t: 'RESUMED', d: '' });
    expect(emu.stats.resumes).toBe(1);
    expect(emu.stats.identifies).toBe(1);
    expect(await emu.waitForReady(0)).toMatchObject({ sessionId, seq: 6, connectionId: 2 });

    // New dispatches continue the sequence on the new socket.
    emu.c2cMessage({ content: 'after' });
    expect(await resumed.next(0)).toMatchObject({ s: 7, t: 'C2C_MESSAGE_CREATE' });
    expect(emu.connections[1]).toMatchObject({ sessionId, shardId: 0 });
  });

  it('replays nothing when the client is up to date', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    emu.c2cMessage({ content: 'x' });
    await client.next(0);
    await client.close(4000);
    const resumed = await resume(ready.d!.session_id, 2, token);
    expect(await resumed.next(0)).toEqual({ op: 0, s: 3, t: 'RESUMED', d: '' });
  });

  it('closes 4006 for an unknown session and 4007 for a seq beyond the session', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.close();
    const unknown = await resume('00000000-0000-0000-0000-000000000000', 1, token);
    expect(await unknown.closed).toEqual({ code: 4006, reason: 'session id invalid' });
    const ahead = await resume(ready.d!.session_id, 99, token);
    expect(await ahead.closed).toEqual({ code: 4007, reason: 'invalid seq' });
  });

  it('closes 4004 when resuming with an expired token', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.close();
    emu.expireTokens();
    const stale = await resume(ready.d!.session_id, 1, token);
    expect((await stale.closed).code).toBe(4004);
    expect(emu.stats.expiredTokenUses).toBe(1);
    const fresh = await resume(ready.d!.session_id, 1, (await fetchToken(emu)).access_token);
    expect(await fresh.next(0)).toMatchObject({ t: 'RESUMED' });
  });

  it('closes 4002 for a malformed resume payload', async () => {
    ({ emu } = await startTestEmulator());
    const { token } = await connectAndIdentify(emu);
    const client = await RawClient.connect(emu.gatewayUrl);
    client.send({ op: 6, d: { token: `QQBot ${token}`, session_id: 5, seq: 'one' } });
    expect((await client.closed).code).toBe(4002);
  });

  it('keeps one live socket per session: resuming closes the old socket with 4902', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    const resumed = await resume(ready.d!.session_id, 1, token);
    expect(await resumed.next(0)).toMatchObject({ t: 'RESUMED' });
    expect(await client.closed).toEqual({ code: 4902, reason: 'reset by resume' });
    emu.c2cMessage({ content: 'only to the new socket' });
    expect(await resumed.next(0)).toMatchObject({ t: 'C2C_MESSAGE_CREATE' });
  });

  it('a session invalidated with op 9 d:false cannot be resumed', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    emu.sendInvalidSession(false);
    expect(await client.next()).toEqual({ op: 9, d: false });
    await client.close();
    const refused = await resume(ready.d!.session_id, 1, token);
    expect((await refused.closed).code).toBe(4006);
  });

  it('a fresh Identify on the same shard retires the old session', async () => {
    let clock;
    ({ emu, clock } = await startTestEmulator());
    const first = await connectAndIdentify(emu);
    await first.client.close();
    clock.advance(5_000); // max_concurrency 1 per 5 s
    const second = await connectAndIdentify(emu);
    const event = emu.c2cMessage({ content: 'x' });
    expect(event.s).toBe(2);
    expect(await second.client.next(0)).toMatchObject({ s: 2 });
    const old = await resume(first.ready.d!.session_id, 1, first.token);
    expect((await old.closed).code).toBe(4006);
  });

  it('keeps at most replayBufferSize dispatches per session', async () => {
    ({ emu } = await startTestEmulator({ replayBufferSize: 2 }));
    const { client, ready, token } = await connectAndIdentify(emu);
    await client.close();
    emu.c2cMessage({ content: '1' });
    emu.c2cMessage({ content: '2' });
    emu.c2cMessage({ content: '3' });
    expect(emu.sessions.get(ready.d!.session_id)?.buffer.map((b) => b.s)).toEqual([3, 4]);
    const resumed = await resume(ready.d!.session_id, 1, token);
    expect([(await resumed.next(0)).s, (await resumed.next(0)).s, (await resumed.next(0)).t]).toEqual([3, 4, 'RESUMED']);
  });
});
