import { afterEach, describe, expect, it, vi } from 'vitest';
import { map } from 'rxjs';
import { QQHandlerError } from '../../src/errors.js';
import { ofType } from '../../src/events/of-type.js';
import { collect, startBotOnEmulator, waitForState, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('event streams', () => {
  it('on() narrows to one type; events$ carries every type with id, seq and shard', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const all = collect(bot.events$, 3);
    const c2c = collect(bot.on('C2C_MESSAGE_CREATE'), 1);
    const c2cSent = emu.c2cMessage({ content: 'private' });
    emu.groupAtMessage({ content: 'group' });
    emu.dispatch('SOMETHING_NEW_FROM_THE_PLATFORM', { hello: 'world' });
    const events = await all;
    expect(events.map((e) => e.type)).toEqual(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'SOMETHING_NEW_FROM_THE_PLATFORM']);
    expect(events.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(events[2]?.data).toEqual({ hello: 'world' });
    const [mine] = await c2c;
    expect(mine).toMatchObject({ type: 'C2C_MESSAGE_CREATE', id: c2cSent.id, shard: 0, seq: 2 });
    expect(mine?.data.author.user_openid).toBe((c2cSent.data as { author: { user_openid: string } }).author.user_openid);
  });

  it('ofType() filters several types at once', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const picked = collect(bot.events$.pipe(ofType('GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE')), 2);
    emu.c2cMessage({ content: 'skip' });
    emu.groupAtMessage({ content: 'a' });
    emu.guildAtMessage({ content: 'b' });
    expect((await picked).map((e) => e.type)).toEqual(['GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE']);
  });

  it('is hot and shared: every subscriber sees the same events, late subscribers get no replay', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const first = collect(bot.on('C2C_MESSAGE_CREATE').pipe(map((e) => e.seq)), 3);
    const second = collect(bot.on('C2C_MESSAGE_CREATE').pipe(map((e) => e.seq)), 3);
    emu.c2cMessage({ content: '1' });
    await collect(bot.events$, 1);
    const late = collect(bot.on('C2C_MESSAGE_CREATE').pipe(map((e) => e.seq)), 2);
    emu.c2cMessage({ content: '2' });
    emu.c2cMessage({ content: '3' });
    expect(await first).toEqual([2, 3, 4]);
    expect(await second).toEqual([2, 3, 4]);
    expect(await late).toEqual([3, 4]);
    expect(bot.on('C2C_MESSAGE_CREATE')).toBe(bot.on('C2C_MESSAGE_CREATE'));
  });

  it('a subscriber that throws hurts nobody: others keep receiving, the error goes to errors$ and the log', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot, logs } = fixture;
    await bot.start();
    const errors: unknown[] = [];
    bot.errors$.subscribe((error) => errors.push(error));
    bot.on('C2C_MESSAGE_CREATE').subscribe(() => {
      throw new Error('handler bug');
    });
    bot.events$.pipe(map((e) => e.type)).subscribe(() => {
      throw new Error('piped handler bug');
    });
    const healthy = collect(bot.on('C2C_MESSAGE_CREATE'), 3);
    emu.c2cMessage({ content: '1' });
    emu.c2cMessage({ content: '2' });
    emu.c2cMessage({ content: '3' });
    expect(await healthy).toHaveLength(3);
    expect(errors.filter((e) => e instanceof QQHandlerError)).toHaveLength(6);
    expect((errors[0] as QQHandlerError).eventType).toBe('C2C_MESSAGE_CREATE');
    expect(logs.text()).toContain('handler bug');
    expect(bot.state.shards[0]?.ready).toBe(true);
    expect(emu.connections).toHaveLength(1);
  });

  it('an async subscriber that rejects goes to errors$ too, not to an unhandled rejection', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const errors = collect(bot.errors$, 1);
    bot.on('C2C_MESSAGE_CREATE').subscribe(async (event) => {
      await Promise.resolve();
      throw new Error(`async handler bug on ${event.data.content}`);
    });
    emu.c2cMessage({ content: 'boom' });
    const [error] = await errors;
    expect(error).toBeInstanceOf(QQHandlerError);
    expect((error as QQHandlerError).message).toContain('async handler bug on boom');
    expect((error as QQHandlerError).eventType).toBe('C2C_MESSAGE_CREATE');
  });

  it('state$ starts with the current state and reports session, seq, latency and reconnects', async () => {
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: 50 } });
    const { emu, bot } = fixture;
    const first = await collect(bot.state$, 1);
    expect(first[0]?.status).toBe('idle');
    await bot.start();
    const withLatency = await waitForState(bot, (s) => s.shards[0]?.heartbeatLatencyMs !== null);
    expect(withLatency.shards[0]).toMatchObject({ id: 0, ready: true, state: 'session.ready', reconnects: 0 });
    expect(withLatency.shards[0]?.sessionId).toBe([...emu.sessions.values()][0]?.sessionId);
    expect(withLatency.token).toBe('live');
    emu.sendReconnect();
    const after = await waitForState(bot, (s) => s.shards[0]?.reconnects === 1 && s.shards[0].ready);
    expect(after.shards[0]?.lastDisconnect).toBe('reconnect-requested');
  });

  it('state$ does not emit for heartbeat ACKs; bot.state reads the latest latency', async () => {
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: 30 } });
    const { emu, bot } = fixture;
    await bot.start();
    await waitForState(bot, (s) => s.shards[0]?.healthy === true);
    const emitted: unknown[] = [];
    const subscription = bot.state$.subscribe((state) => emitted.push(state));
    const beatsBefore = emu.stats.heartbeats;
    const latencies = new Set<number | null>();
    // Six more beats, each answered: six latency readings, no lifecycle change.
    await vi.waitFor(
      () => {
        latencies.add(bot.state.shards[0]?.heartbeatLatencyMs ?? null);
        expect(emu.stats.heartbeats).toBeGreaterThanOrEqual(beatsBefore + 6);
      },
      { timeout: 5_000, interval: 5 },
    );
    subscription.unsubscribe();
    expect(emitted).toHaveLength(1); // the current state, on subscribing
    expect(bot.state.shards[0]?.heartbeatLatencyMs).toEqual(expect.any(Number));
    expect(latencies.size).toBeGreaterThan(1);
  });
});
