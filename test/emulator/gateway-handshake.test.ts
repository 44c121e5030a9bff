import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { intentTable } from '../../src/protocol/intents.js';
import { RawClient } from './support/raw-client.js';
import { TEST_INTENTS, connectAndIdentify, fetchToken, startTestEmulator } from './support/emulator-fixture.js';

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

async function connected(): Promise<{ client: RawClient; token: string }> {
  const { access_token } = await fetchToken(emu);
  const client = await RawClient.connect(emu.gatewayUrl);
  await client.next(10);
  return { client, token: access_token };
}

describe('gateway handshake', () => {
  it('sends Hello with the configured heartbeat_interval, then READY after Identify', async () => {
    ({ emu } = await startTestEmulator({ heartbeatInterval: 41_250 }));
    const { hello, ready } = await connectAndIdentify(emu, { shard: [0, 1] });
    expect(hello).toEqual({ op: 10, d: { heartbeat_interval: 41_250 } });
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY', d: { version: 1, user: { id: '6158788878435714165', username: 'emulator-bot', bot: true }, shard: [0, 1] } });
    expect(ready).not.toHaveProperty('id');
    expect(ready.d?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.stats.identifies).toBe(1);
    const session = await emu.waitForReady(0);
    expect(session).toMatchObject({ sessionId: ready.d?.session_id, shard: [0, 1], intents: TEST_INTENTS, seq: 1 });
    expect(emu.connections[0]).toMatchObject({ id: 1, shardId: 0, sessionId: ready.d?.session_id });
    expect(emu.connections[0]?.received[0]).toMatchObject({ op: 2, d: { intents: TEST_INTENTS, shard: [0, 1] } });
  });

  it('numbers dispatches per session from 2 and gives each an envelope id', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    const a = emu.c2cMessage({ content: 'one' });
    const b = emu.groupAtMessage({ content: 'two' });
    expect([a.s, b.s]).toEqual([2, 3]);
    const first = await client.next(0);
    const second = await client.next(0);
    expect(first).toMatchObject({ op: 0, s: 2, t: 'C2C_MESSAGE_CREATE', id: a.id });
    expect(first.id).toMatch(/^C2C_MESSAGE_CREATE:[0-9a-f-]{36}$/);
    expect(second).toMatchObject({ s: 3, t: 'GROUP_AT_MESSAGE_CREATE', id: b.id });
    expect(emu.stats.dispatched).toBe(2);
  });

  it('ACKs heartbeats and records each d', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connected();
    client.send({ op: 1, d: null });
    expect(await client.next()).toEqual({ op: 11 });
    client.send({ op: 1, d: 7 });
    expect(await client.next()).toEqual({ op: 11 });
    expect(emu.connections[0]?.heartbeats).toEqual([null, 7]);
    expect(emu.stats.heartbeats).toBe(2);
    const frame = await emu.waitForFrame(1, { nth: 2 });
    expect(frame).toEqual({ op: 1, d: 7 });
  });

  it('closes 4004 for an invalid or expired token, counting the expired use', async () => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: 'QQBot nope', intents: TEST_INTENTS, shard: [0, 1] } });
    expect(await client.closed).toEqual({ code: 4004, reason: 'invalid token' });

    emu.expireTokens();
    const again = await RawClient.connect(emu.gatewayUrl);
    again.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard: [0, 1] } });
    expect((await again.closed).code).toBe(4004);
    expect(emu.stats.expiredTokenUses).toBe(1);

    const bare = await RawClient.connect(emu.gatewayUrl);
    bare.send({ op: 2, d: { token: (await fetchToken(emu)).access_token, intents: TEST_INTENTS, shard: [0, 1] } });
    expect((await bare.closed).code).toBe(4004);
  });

  it('answers intents it does not grant with op 9 d:false, then close 4903', async () => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: intentTable.GUILD_MESSAGES.bit, shard: [0, 1] } });
    expect(await client.next()).toEqual({ op: 9, d: false });
    expect(await client.closed).toEqual({ code: 4903, reason: 'create session error' });
    expect(emu.sessions.size).toBe(0);
  });

  it('grants private intents when entitledIntents allows them', async () => {
    ({ emu } = await startTestEmulator({ entitledIntents: intentTable.GUILD_MESSAGES.bit | intentTable.GUILDS.bit }));
    const { ready } = await connectAndIdentify(emu, { intents: intentTable.GUILD_MESSAGES.bit });
    expect(ready.t).toBe('READY');
  });

  it('closes 4013 when intents is not a number', async () => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: 'all', shard: [0, 1] } });
    expect((await client.closed).code).toBe(4013);
  });

  it.each([
    [[1, 1]],
    [[0, 0]],
    [[-1, 2]],
    [['0', 1]],
    [[0]],
  ])('closes 4010 for shard %j', async (shard) => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard } });
    expect(await client.closed).toEqual({ code: 4010, reason: 'invalid shard' });
  });

  it('closes 4011 when the shard total is below the recommended count', async () => {
    ({ emu } = await startTestEmulator({ shards: 2 }));
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard: [0, 1] } });
    expect((await client.closed).code).toBe(4011);
  });

  it('treats a missing shard as [0, 1]', async () => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connected();
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS } });
    expect(await client.next(0)).toMatchObject({ t: 'READY', d: { shard: [0, 1] } });
  });

  it('closes 4005 on a second Identify and 4003 on a non-heartbeat frame before Identify', async () => {
    ({ emu } = await startTestEmulator());
    const { client, token } = await connectAndIdentify(emu);
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard: [0, 1] } });
    expect((await client.closed).code).toBe(4005);

    const early = await RawClient.connect(emu.gatewayUrl);
    early.send({ op: 11 });
    expect(await early.closed).toEqual({ code: 4003, reason: 'not authenticated' });
  });

  it('closes 4001 for an unknown op and 4002 for invalid JSON or a frame without op', async () => {
    ({ emu } = await startTestEmulator());
    const unknown = await RawClient.connect(emu.gatewayUrl);
    unknown.send({ op: 42 });
    expect((await unknown.closed).code).toBe(4001);

    const badJson = await RawClient.connect(emu.gatewayUrl);
    badJson.sendText('{"op":2,');
    expect((await badJson.closed).code).toBe(4002);
    expect(emu.connections[1]?.invalidFrames).toEqual(['{"op":2,']);

    for (const text of ['[1,2]', '"x"', '{"d":{}}', 'null', '{"op":"1"}']) {
      const client = await RawClient.connect(emu.gatewayUrl);
      client.sendText(text);
      expect((await client.closed).code).toBe(4002);
    }
    const binary = await RawClient.connect(emu.gatewayUrl);
    binary.sendText(Buffer.from([0xff, 0x00, 0x13]), true);
    expect((await binary.closed).code).toBe(4002);

    const malformedIdentify = await RawClient.connect(emu.gatewayUrl);
    malformedIdentify.send({ op: 2, d: 'token' });
    expect((await malformedIdentify.closed).code).toBe(4002);
    // Still serving.
    expect((await connectAndIdentify(emu)).ready.t).toBe('READY');
  });

  it('refuses upgrades on other paths and accepts /websocket/', async () => {
    ({ emu } = await startTestEmulator());
    await expect(RawClient.connect(emu.url.replace('http', 'ws') + '/other')).rejects.toThrow();
    const slash = await RawClient.connect(`${emu.gatewayUrl}/`);
    expect(await slash.next()).toMatchObject({ op: 10 });
  });

  it('records client-initiated closes', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    await client.close(4321);
    expect(await emu.waitForClose(1)).toEqual({ code: 4321, reason: '', by: 'client' });
    const session = [...emu.sessions.values()][0];
    expect(session?.connectionId).toBeUndefined();
  });

  it('nextConnection() resolves with the next connection record', async () => {
    ({ emu } = await startTestEmulator());
    const next = emu.nextConnection();
    await RawClient.connect(emu.gatewayUrl);
    expect((await next).id).toBe(1);
    await expect(emu.waitFor(() => false, { timeoutMs: 10, description: 'never' })).rejects.toThrow(/never/);
  });
});
