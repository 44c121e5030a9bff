import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RawClient } from './support/raw-client.js';
import { TEST_INTENTS, connectAndIdentify, fetchToken, startTestEmulator } from './support/emulator-fixture.js';

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

describe('gateway fault injection', () => {
  it('closeSession closes with any code; 4009 defaults to "Session timed out"; the session stays resumable', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    expect(emu.closeSession(4009)).toBe(1);
    expect(await client.closed).toEqual({ code: 4009, reason: 'Session timed out' });
    expect(emu.connections[0]?.closed).toEqual({ code: 4009, reason: 'Session timed out', by: 'server' });
    const resumed = await RawClient.connect(emu.gatewayUrl);
    resumed.send({ op: 6, d: { token: `QQBot ${token}`, session_id: ready.d!.session_id, seq: 1 } });
    expect((await resumed.next(0)).t).toBe('RESUMED');

    expect(emu.closeSession(4915, { reason: 'banned', shard: 0 })).toBe(1);
    expect(await resumed.closed).toEqual({ code: 4915, reason: 'banned' });
    expect(emu.closeSession(4000, { shard: 3 })).toBe(0);
  });

  it('dropConnection cuts TCP without a close frame: the client sees 1006', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    expect(emu.dropConnection({ connection: 1 })).toBe(1);
    expect((await client.closed).code).toBe(1006);
    expect(emu.connections[0]?.closed).toEqual({ code: 1006, reason: '', by: 'drop' });
    // Events during the outage stay in the session.
    expect(emu.c2cMessage({ content: 'kept' }).delivered).toBe(true);
  });

  it('sendReconnect sends op 7 and sendInvalidSession(true) op 9 d:true', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    emu.sendReconnect();
    expect(await client.next()).toEqual({ op: 7 });
    emu.sendInvalidSession(true);
    expect(await client.next()).toEqual({ op: 9, d: true });
    expect([...emu.sessions.values()][0]?.resumable).toBe(true);
    emu.sendHeartbeatRequest();
    expect(await client.next()).toEqual({ op: 1, d: null });
  });

  it('suspendHeartbeatAcks stops ACKs (also for new connections) until resumeHeartbeatAcks', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    emu.suspendHeartbeatAcks();
    client.send({ op: 1, d: 1 });
    await emu.waitForFrame(1);
    const later = await RawClient.connect(emu.gatewayUrl);
    await later.next(10);
    later.send({ op: 1, d: null });
    await emu.waitForFrame(1, { connection: 2 });
    emu.resumeHeartbeatAcks();
    client.send({ op: 1, d: 1 });
    expect(await client.next()).toEqual({ op: 11 });
    expect(client.unread()).toEqual([]);
    expect(emu.connections[0]?.sent.filter((f) => f.op === 11)).toHaveLength(1);
    expect(emu.connections[1]?.sent.filter((f) => f.op === 11)).toHaveLength(0);
  });

  it('suspendHeartbeatAcks can target one connection', async () => {
    ({ emu } = await startTestEmulator());
    const a = await RawClient.connect(emu.gatewayUrl);
    const b = await RawClient.connect(emu.gatewayUrl);
    await a.next(10);
    await b.next(10);
    emu.suspendHeartbeatAcks({ connection: 1 });
    a.send({ op: 1, d: null });
    b.send({ op: 1, d: null });
    expect(await b.next()).toEqual({ op: 11 });
    await emu.waitForFrame(1, { connection: 1 });
    expect(emu.connections[0]?.sent.map((f) => f.op)).toEqual([10]);
  });

  it('zombie: nothing more is sent on the socket, events buffer for a resume', async () => {
    ({ emu } = await startTestEmulator());
    const { client, ready, token } = await connectAndIdentify(emu);
    expect(emu.zombie()).toBe(1);
    client.send({ op: 1, d: 1 });
    const lost = emu.c2cMessage({ content: 'lost on the zombie socket' });
    await emu.waitFor(() => emu.stats.dispatched === 1);
    expect(emu.connections[0]?.sent.map((f) => f.t ?? f.op)).toEqual([10, 'READY']);
    await client.close();
    await emu.waitForClose(1);
    const resumed = await RawClient.connect(emu.gatewayUrl);
    resumed.send({ op: 6, d: { token: `QQBot ${token}`, session_id: ready.d!.session_id, seq: 1 } });
    expect(await resumed.next(0)).toMatchObject({ s: lost.s, id: lost.id });
    expect((await resumed.next(0)).t).toBe('RESUMED');
  });

  it('sendRaw and sendMalformed deliver broken frames and the emulator keeps serving', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    emu.sendRaw('{"op":0,"t":"X"');
    emu.sendMalformed('bad-json');
    emu.sendMalformed('binary');
    emu.sendMalformed('not-an-object');
    emu.sendMalformed('wrong-types');
    emu.sendMalformed('unknown-op');
    emu.sendMalformed('missing-op');
    const raw = await Promise.all(Array.from({ length: 7 }, () => client.next()));
    expect(raw[0]).toEqual({ op: -1, d: '{"op":0,"t":"X"' });
    expect(raw[3]).toEqual([0, 'READY']);
    expect(raw[4]).toEqual({ op: '0', s: 'seven', t: 42, d: null });
    expect(raw[5]).toEqual({ op: 42, d: {} });
    emu.c2cMessage({ content: 'still fine' });
    expect(await client.next(0)).toMatchObject({ s: 2 });
    expect(emu.connections[0]?.sent.filter((f) => f.op === 0)).toHaveLength(2);
  });

  it('holdHello keeps Hello back until releaseHello', async () => {
    ({ emu } = await startTestEmulator());
    emu.holdHello();
    const client = await RawClient.connect(emu.gatewayUrl);
    await emu.waitFor(() => emu.connections[0]);
    client.send({ op: 1, d: null });
    expect(await client.next()).toEqual({ op: 11 });
    expect(emu.connections[0]?.sent.some((f) => f.op === 10)).toBe(false);
    emu.releaseHello();
    expect(await client.next(10)).toMatchObject({ op: 10 });
    const second = await RawClient.connect(emu.gatewayUrl);
    expect(await second.next()).toMatchObject({ op: 10 });
  });

  it('holdReady keeps READY and RESUMED back until releaseReady', async () => {
    ({ emu } = await startTestEmulator());
    const { access_token: token } = await fetchToken(emu);
    emu.holdReady();
    const client = await RawClient.connect(emu.gatewayUrl);
    await client.next(10);
    client.send({ op: 2, d: { token: `QQBot ${token}`, intents: TEST_INTENTS, shard: [0, 1] } });
    await emu.waitForFrame(2);
    expect(emu.sessions.size).toBe(0);
    emu.releaseReady();
    const ready = await client.next(0);
    expect(ready.t).toBe('READY');

    emu.holdReady();
    await client.close();
    const resumed = await RawClient.connect(emu.gatewayUrl);
    resumed.send({ op: 6, d: { token: `QQBot ${token}`, session_id: (ready.d as { session_id: string }).session_id, seq: 1 } });
    await emu.waitForFrame(6);
    const missed = emu.c2cMessage({ content: 'during hold' });
    emu.releaseReady();
    expect(await resumed.next(0)).toMatchObject({ s: missed.s });
    expect((await resumed.next(0)).t).toBe('RESUMED');
  });

  it('close() ends live sockets with 1001 and is idempotent', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    await Promise.all([emu.close(), emu.close()]);
    expect((await client.closed).code).toBe(1001);
    await expect(fetch(emu.tokenUrl, { method: 'POST' })).rejects.toThrow();
  });
});
