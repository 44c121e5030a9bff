import { afterEach, describe, expect, it } from 'vitest';
import { QQGatewayError } from '../../src/errors.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { startBotOnEmulator, waitForState, type BotFixture } from '../support/bot-fixture.js';
import type { BotState } from '../../src/state.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** The op of the first IDENTIFY/RESUME the client sent on its newest connection. */
async function nextHandshakeOp(fx: BotFixture): Promise<number> {
  const frame = await fx.emu.waitFor(() => {
    const connection = fx.emu.connections.at(-1);
    return connection && connection.id > 1 ? connection.received.find((f) => f.op === OpCode.Identify || f.op === OpCode.Resume) : undefined;
  });
  return frame.op;
}

describe('close codes over real sockets', () => {
  const cases: Array<[number, 'resume' | 'identify']> = [
    [4009, 'resume'],
    [4006, 'identify'],
    [4007, 'identify'],
    [4900, 'identify'],
    [4913, 'identify'],
    [1011, 'resume'],
  ];
  it.each(cases)('close %i → %s', async (code, expected) => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    fixture.emu.closeSession(code);
    expect(await nextHandshakeOp(fixture)).toBe(expected === 'resume' ? OpCode.Resume : OpCode.Identify);
    await waitForState(fixture.bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects === 1);
  });

  it('a dropped TCP connection (1006) resumes', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    fixture.emu.dropConnection();
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
  });

  it('4004 fetches a fresh token, then resumes with it', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    const tokenRequestsBefore = fixture.emu.requests.filter((r) => r.path === '/app/getAppAccessToken').length;
    fixture.emu.expireTokens();
    fixture.emu.closeSession(4004);
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
    expect(fixture.emu.requests.filter((r) => r.path === '/app/getAppAccessToken').length).toBe(tokenRequestsBefore + 1);
    const resume = fixture.emu.connections.at(-1)?.received.find((f) => f.op === OpCode.Resume);
    const newest = fixture.emu.tokens.at(-1)?.value;
    expect((resume?.d as { token: string }).token).toBe(`QQBot ${newest}`);
    expect(fixture.emu.stats.expiredTokenUses).toBe(0);
  });

  it('4008 waits the rate-limit delay, then resumes', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    fixture.emu.closeSession(4008);
    await waitForState(fixture.bot, (s) => s.shards[0]?.state === 'rateLimited');
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
  });

  const fatal = [4001, 4002, 4010, 4011, 4012, 4013, 4014];
  it.each(fatal)('close %i fails the shard and never reconnects', async (code) => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    const errors: unknown[] = [];
    fixture.bot.errors$.subscribe((error) => errors.push(error));
    fixture.emu.closeSession(code);
    await waitForState(fixture.bot, (s) => s.status === 'failed');
    const error = errors.find((e) => e instanceof QQGatewayError) as QQGatewayError;
    expect(error.closeCode).toBe(code);
    expect(error.fatal).toBe(true);
    expect(fixture.emu.connections).toHaveLength(1);
    if (code === 4010 || code === 4011) expect(error.message).toMatch(/re-shard/);
  });

  it.each([4914, 4915])('close %i stops the whole bot with a fatal error', async (code) => {
    fixture = await startBotOnEmulator({ emulator: { shards: 2 } });
    await fixture.bot.start();
    expect(fixture.bot.state.shards).toHaveLength(2);
    fixture.emu.closeSession(code, { shard: 1 });
    const state = await waitForState(fixture.bot, (s) => s.status === 'failed');
    expect(state.shards.map((s) => s.state).sort()).toEqual(['failed', 'stopped']);
    expect(fixture.emu.connections).toHaveLength(2);
  });

  it('close 4914 on a single shard: state$ never shows the bot failed while a shard is still ready', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    const seen: BotState[] = [];
    fixture.bot.state$.subscribe((state) => seen.push(state));
    fixture.emu.closeSession(4914);
    await waitForState(fixture.bot, (s) => s.status === 'failed');
    await new Promise<void>((resolve) => fixture!.bot.state$.subscribe({ complete: resolve }));
    const failed = seen.filter((state) => state.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.flatMap((state) => state.shards.filter((shard) => shard.ready || shard.state.startsWith('session')))).toEqual([]);
    expect(failed.at(-1)?.shards.map((shard) => shard.state)).toEqual(['failed']);
  });

  it('start() rejects with the typed error when the first connection is closed fatally', async () => {
    fixture = await startBotOnEmulator();
    fixture.emu.holdReady();
    const started = fixture.bot.start();
    await fixture.emu.waitForFrame(OpCode.Identify);
    fixture.emu.closeSession(4914);
    await expect(started).rejects.toMatchObject({ closeCode: 4914, fatal: true });
  });
});

describe('gateway ops over real sockets', () => {
  it('op 7 reconnects and resumes', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    fixture.emu.sendReconnect();
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
  });

  it('op 9 d=true resumes; op 9 d=false identifies', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    fixture.emu.sendInvalidSession(true);
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
    await waitForState(fixture.bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects === 1);
    fixture.emu.sendInvalidSession(false);
    const frame = await fixture.emu.waitFor(() => fixture?.emu.connections[2]?.received.find((f) => f.op === OpCode.Identify || f.op === OpCode.Resume));
    expect(frame.op).toBe(OpCode.Identify);
  });

  it('a zombie connection (no heartbeat ACK) is closed and resumed', async () => {
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: 100 } });
    await fixture.bot.start();
    fixture.emu.suspendHeartbeatAcks();
    expect(await nextHandshakeOp(fixture)).toBe(OpCode.Resume);
    expect(fixture.emu.connections[0]?.closed?.by).toBe('client');
    expect(fixture.emu.connections[0]?.closed?.code).toBe(4000);
  });

  it('heartbeats carry the last seq', async () => {
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: 50 } });
    await fixture.bot.start();
    const connection = fixture.emu.connections[0]!;
    await fixture.emu.waitFor(() => connection.heartbeats.length > 0);
    expect(connection.heartbeats[0]).toBe(1); // READY was s=1
    fixture.emu.c2cMessage({ content: 'x' });
    await fixture.emu.waitFor(() => connection.heartbeats.includes(2));
  });

  it('intents the bot is not entitled to: op 9 after IDENTIFY fails fast instead of looping', async () => {
    fixture = await startBotOnEmulator({ bot: { intents: ['GUILD_MESSAGES'], privateBot: true } });
    await expect(fixture.bot.start()).rejects.toMatchObject({ code: 'INVALID_SESSION', fatal: true });
    expect(fixture.emu.stats.identifies + fixture.emu.connections.length).toBeLessThanOrEqual(4);
    expect(fixture.emu.connections.length).toBeLessThanOrEqual(2);
  });
});
