import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

// In real time, on purpose: what is promised is the interval a real gateway sees, and the error this guards
// against (restarting the timer at each ACK) only shows when ACKs take real time to come back.
describe('heartbeat timing, in real time against a slow gateway', () => {
  it('beats every heartbeat_interval from the previous send, however late the ACKs come', async () => {
    const interval = 100;
    const ackDelay = 60;
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: interval, heartbeatAckDelayMs: ackDelay } });
    const { emu, bot } = fixture;
    await bot.start();
    const connection = emu.connections[0]!;
    const before = connection.heartbeats.length;
    const windowMs = 1_500;
    await sleep(windowMs);
    const beats = connection.heartbeats.length - before;
    // Timed from each send: ≈ 15 beats. Timed from each ACK it would be ≈ windowMs / (interval + ackDelay) ≈ 9.
    expect(beats).toBeGreaterThanOrEqual(13);
    expect(beats).toBeLessThanOrEqual(16);
    // An ACK 60 ms late is not a missed one: no zombie reconnect.
    expect(emu.connections).toHaveLength(1);
    expect(bot.state.shards[0]).toMatchObject({ ready: true, reconnects: 0 });
  });
});
