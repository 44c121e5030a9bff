/**
 * A bot with a session store, in one process: what it stores, when, and how the next bot uses it.
 * (test/scaling/restart.test.ts does the same across real processes.)
 */
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot.js';
import type { BotOptions } from '../../src/options.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { QQBotError } from '../../src/errors.js';
import { createMemorySessionStore, type SessionStore, type StoredSession } from '../../src/sessions/store.js';
import { appId, captureLogs, fastTiming, secret } from '../support/bot-fixture.js';

let emu: Emulator;
const bots: Bot[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await emu?.close();
});

function makeBot(sessions: SessionStore | undefined, flushMs = 50, extra: Partial<BotOptions> = {}): Bot {
  const bot = createBot({
    appId,
    secret,
    intents: ['GROUP_AND_C2C_EVENT'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: captureLogs().logger,
    timing: { ...fastTiming, sessions: { FLUSH_INTERVAL: flushMs } },
    ...(sessions ? { sessions } : {}),
    ...extra,
  });
  bots.push(bot);
  return bot;
}

describe('a bot with a session store', () => {
  it('stores the session at READY, closes with a resumable code on stop(), and the next bot RESUMEs it', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const store = createMemorySessionStore();
    const first = makeBot(store);
    const ids: string[] = [];
    first.events$.subscribe((event) => ids.push(event.id ?? ''));
    await first.start();
    await expect.poll(() => store.get(0)).toMatchObject({ shard: 0, shardCount: 1, seq: 1 });
    const sent = [emu.c2cMessage({ content: 'a' }), emu.c2cMessage({ content: 'b' })];
    await expect.poll(() => ids.length).toBe(2);
    await first.stop();
    expect(await emu.waitForClose(1)).toMatchObject({ code: 4000, by: 'client' });
    const stored = (await store.get(0)) as StoredSession;
    expect(stored).toMatchObject({ sessionId: emu.connections[0]?.sessionId, seq: sent[1]?.s, recentIds: sent.map((e) => e.id) });

    const missed = emu.c2cMessage({ content: 'while stopped' });
    const second = makeBot(store);
    const secondIds: string[] = [];
    second.events$.subscribe((event) => secondIds.push(event.id ?? ''));
    await second.start();
    await expect.poll(() => secondIds).toEqual([missed.id]);
    expect(emu.connections[1]?.received[0]).toMatchObject({ op: 6, d: { session_id: stored.sessionId, seq: stored.seq } });
    expect(emu.stats.identifies).toBe(1);
  });

  it('identifies afresh when the stored session is refused (4006), and stores the new one', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const store = createMemorySessionStore();
    await store.set({ shard: 0, shardCount: 1, sessionId: 'gone', seq: 5, recentIds: [], updatedAt: Date.now() });
    const bot = makeBot(store);
    await bot.start();
    expect(emu.connections[0]?.closed?.code).toBe(4006);
    expect(emu.stats.identifies).toBe(1);
    await expect.poll(async () => (await store.get(0))?.sessionId).toBe(emu.connections[1]?.sessionId);
  });

  it('does not resume a session stored for another shard count', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const store = createMemorySessionStore();
    await store.set({ shard: 0, shardCount: 4, sessionId: 'other-count', seq: 5, recentIds: [], updatedAt: Date.now() });
    const bot = makeBot(store);
    await bot.start();
    expect(emu.stats.resumes).toBe(0);
    expect(emu.connections[0]?.received[0]?.op).toBe(2);
  });

  it('a failing store is reported on errors$ and retried; events keep flowing', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const inner = createMemorySessionStore();
    let down = true;
    const flaky: SessionStore = {
      get: (shard) => (down ? Promise.reject(new Error('store unreachable')) : inner.get(shard)),
      set: (session) => (down ? Promise.reject(new Error('store unreachable')) : inner.set(session)),
      delete: (shard) => (down ? Promise.reject(new Error('store unreachable')) : inner.delete(shard)),
    };
    const bot = makeBot(flaky);
    const errors: QQBotError[] = [];
    bot.errors$.subscribe((error) => errors.push(error));
    const firstEvent = firstValueFrom(bot.events$.pipe(filter(() => true)));
    await bot.start();
    expect(errors.map((e) => e.code)).toContain('SESSION_STORE');
    expect(errors.every((e) => !e.fatal)).toBe(true);
    emu.c2cMessage({ content: 'still flowing' });
    await firstEvent;
    down = false;
    await expect.poll(() => inner.get(0)).toMatchObject({ seq: 2 });
  });

  it('without a store, stop() still closes with 1000 (nothing to resume)', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const bot = makeBot(undefined);
    await bot.start();
    await bot.stop();
    expect(await emu.waitForClose(1)).toMatchObject({ code: 1000 });
  });

  it('without a store there is no flush timer; with one, the flush interval is armed', async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000 });
    const flushMs = 777;
    const armed = async (sessions: SessionStore | undefined): Promise<number[]> => {
      const delays: number[] = [];
      const clock = {
        setTimeout: (fn: (...args: unknown[]) => void, ms: number) => (delays.push(ms), setTimeout(fn, ms)),
        clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
      };
      const bot = makeBot(sessions, flushMs, { clock });
      await bot.start();
      await bot.stop();
      return delays;
    };
    expect(await armed(createMemorySessionStore())).toContain(flushMs);
    expect(await armed(undefined)).not.toContain(flushMs);
  });

  it('rejects a sessions option that is not a store, and an identifyCoordinator that is not one, naming them', () => {
    expect(() => createBot({ appId, secret, sessions: { get: () => null } as never })).toThrow(/Invalid option "sessions"/);
    expect(() => createBot({ appId, secret, identifyCoordinator: {} as never })).toThrow(/Invalid option "identifyCoordinator"/);
  });
});
