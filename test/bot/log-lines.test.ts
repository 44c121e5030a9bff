import { afterEach, describe, expect, it, vi } from 'vitest';
import { lineWanted, shardLineLevel, tokenLineLevel } from '../../src/bot/log-lines.js';
import { captureLogs, startBotOnEmulator, waitForState, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('log lines', () => {
  it('each emitted event has the level of its line; errors are reported at any level', () => {
    expect(shardLineLevel({ type: 'shard.heartbeat', latencyMs: 1 } as never)).toBe('trace');
    expect(shardLineLevel({ type: 'shard.ready' } as never)).toBe('info');
    expect(shardLineLevel({ type: 'shard.disconnected', plan: { step: 'resume' } } as never)).toBe('warn');
    expect(shardLineLevel({ type: 'shard.disconnected', plan: { step: 'fatal' } } as never)).toBe('error');
    expect(shardLineLevel({ type: 'shard.error' } as never)).toBe('report');
    expect(tokenLineLevel({ type: 'token.issued' } as never)).toBe('info');
    expect(tokenLineLevel({ type: 'token.expired' } as never)).toBe('warn');
    expect(tokenLineLevel({ type: 'token.error' } as never)).toBe('report');
    const { logger } = captureLogs('warn');
    expect([lineWanted(logger, 'info'), lineWanted(logger, 'warn'), lineWanted(logger, 'report')]).toEqual([false, true, true]);
  });

  it('a line the level drops costs no child logger: at warn, READY, heartbeats and the token make none', async () => {
    const logs = captureLogs('warn');
    const child = vi.spyOn(logs.logger, 'child');
    fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: 30 }, bot: { logger: logs.logger } });
    child.mockClear(); // createBot's own (the REST client's)
    await fixture.bot.start();
    await waitForState(fixture.bot, (s) => s.shards[0]?.healthy === true);
    const beats = fixture.emu.stats.heartbeats;
    await vi.waitFor(() => expect(fixture?.emu.stats.heartbeats).toBeGreaterThanOrEqual(beats + 3), { timeout: 5_000, interval: 5 });
    expect(child.mock.calls).toEqual([]);
  });

  it('at info, the READY and token lines are written, with their bindings', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    await vi.waitFor(() => expect(fixture?.logs.text()).toContain('"msg":"READY"'));
    const ready = fixture.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['msg'] === 'READY');
    expect(ready).toMatchObject({ shard: 0, level: 30 });
    expect(fixture.logs.text()).toContain('"machine":"token"');
  });
});
