import { afterEach, describe, expect, it } from 'vitest';
import { OpCode } from '../../src/protocol/opcodes.js';
import { collect, startBotOnEmulator, waitForState, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('lifecycle against the emulator', () => {
  it('fetches a token, discovers the gateway, identifies and reaches READY', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    expect(bot.state.status).toBe('running');
    expect(bot.state.shards[0]).toMatchObject({ id: 0, ready: true });
    const identify = emu.connections[0]?.received.find((frame) => frame.op === OpCode.Identify);
    expect(identify?.d).toMatchObject({ intents: (1 << 25) | (1 << 30) | (1 << 26), shard: [0, 1] });
    expect(emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /app/getAppAccessToken', 'GET /gateway/bot']);
    expect(emu.stats.expiredTokenUses).toBe(0);
  });

  it('delivers dispatches in order and resumes through a 4009 without loss or duplicates', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const received = collect(bot.on('C2C_MESSAGE_CREATE'), 6);
    emu.c2cMessage({ content: 'one' });
    emu.c2cMessage({ content: 'two' });
    await emu.waitFor(() => emu.connections[0]?.sent.filter((f) => f.t === 'C2C_MESSAGE_CREATE').length === 2);
    emu.closeSession(4009, { reason: 'Session timed out' });
    emu.c2cMessage({ content: 'three' });
    emu.c2cMessage({ content: 'four' });
    await waitForState(bot, (s) => s.shards[0]?.reconnects === 1 && s.shards[0]?.ready === true);
    emu.c2cMessage({ content: 'five' });
    emu.c2cMessage({ content: 'six' });
    const events = await received;
    expect(events.map((e) => e.data.content)).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    const resume = emu.connections[1]?.received.find((frame) => frame.op === OpCode.Resume);
    expect(resume?.d).toMatchObject({ seq: 3 });
    expect(emu.stats.identifies).toBe(1);
  });

  it('stop() closes with 1000 and completes the streams', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    let completed = 0;
    bot.events$.subscribe({ complete: () => completed++ });
    bot.errors$.subscribe({ complete: () => completed++ });
    bot.state$.subscribe({ complete: () => completed++ });
    await bot.stop();
    const close = await emu.waitForClose();
    expect(close).toMatchObject({ code: 1000, by: 'client' });
    expect(completed).toBe(3);
    expect(bot.state.status).toBe('stopped');
  });
});
