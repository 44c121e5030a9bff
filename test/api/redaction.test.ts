import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, type InspectionEvent } from 'xstate';
import { recordInspection, safeStringify } from '../../src/inspect.js';
import { Secret } from '../../src/secret.js';
import { secret, startBotOnEmulator, type BotFixture, settle } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});


/** Every string reachable through enumerable properties, the way a naive serializer would see it. */
function reachableStrings(root: unknown, limit = 8): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (typeof value === 'string') out.push(value);
    if (typeof value !== 'object' || value === null || depth > limit || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Secret) {
      out.push(String(value), JSON.stringify(value));
      return;
    }
    for (const key of Object.keys(value)) {
      if (key === 'system' || key === '_parent' || key === 'logic') continue;
      visit((value as Record<string, unknown>)[key], depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

describe('secrets never leak', () => {
  it('a whole run at trace level — refreshes, resumes, 4004, malformed frames — logs and inspects no secret or token', async () => {
    const clock = new SimulatedClock();
    const origin = Date.now();
    const inspected: InspectionEvent[] = [];
    const recorded = new PassThrough();
    let recordedText = '';
    recorded.on('data', (chunk) => (recordedText += chunk.toString()));
    const recorder = recordInspection(recorded as unknown as import('node:fs').WriteStream);
    fixture = await startBotOnEmulator({
      emulator: { tokenTtl: 3, heartbeatInterval: 1_000, now: () => origin + clock.now() },
      bot: {
        clock,
        inspect: (event) => {
          inspected.push(event);
          recorder.next(event);
        },
      },
    });
    const { emu, bot, logs } = fixture;
    const started = bot.start();
    await settle();
    await started;
    const step = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        clock.increment(100);
        await settle();
      }
    };
    await step(5_000);
    emu.closeSession(4009);
    await step(3_000);
    emu.expireTokens();
    emu.closeSession(4004);
    await step(3_000);
    emu.sendMalformed('bad-json');
    emu.sendInvalidSession(false);
    await step(5_000);
    await bot.stop();
    await recorder.close();

    const tokens = emu.tokens.map((t) => t.value);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(emu.stats.resumes).toBeGreaterThanOrEqual(2);
    expect(logs.lines.length).toBeGreaterThan(50);
    expect(logs.lines.some((line) => line.includes('"level":10'))).toBe(true); // trace lines were written
    const haystacks = {
      logs: logs.text(),
      recorder: recordedText,
      inspection: inspected.map((event) => safeStringify(event)).join('\n'),
      naive: inspected.flatMap((event) => reachableStrings(event)).join('\n'),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.length, where).toBeGreaterThan(0);
      expect(text.includes(secret), `${where} contains the secret`).toBe(false);
      for (const token of tokens) expect(text.includes(token), `${where} contains an access token`).toBe(false);
    }
    // the identify/resume frames did carry the real token on the wire
    const onTheWire = emu.connections.flatMap((c) => c.received).map((f) => JSON.stringify(f));
    expect(onTheWire.some((frame) => tokens.some((token) => frame.includes(`QQBot ${token}`)))).toBe(true);
  });

  it('errors logged with their stack and cause chain carry no secret: rejected credentials, a refused reply in a handler', async () => {
    const wrongSecret = 'wrong-secret-that-must-not-leak-0123';
    fixture = await startBotOnEmulator({ bot: { secret: wrongSecret } });
    await expect(fixture.bot.start()).rejects.toMatchObject({ code: 'AUTH' });
    const authLines = fixture.logs.lines.filter((line) => line.includes('"err":'));
    expect(authLines.length).toBeGreaterThan(0);
    expect(authLines.some((line) => line.includes('"type":"QQAuthError"') && line.includes('"stack":"QQAuthError: '))).toBe(true);
    expect(fixture.logs.text().includes(wrongSecret)).toBe(false);
    await fixture.close();

    fixture = await startBotOnEmulator();
    const { emu, bot, logs } = fixture;
    await bot.start();
    bot.handle('C2C_MESSAGE_CREATE', async (event) => {
      await event.reply(event.data.content);
    });
    const failed = new Promise((resolve) => bot.errors$.subscribe(resolve));
    emu.c2cMessage({ content: ' ' });
    await failed;
    await bot.stop();
    const text = logs.text();
    expect(text).toContain('caused by: QQApiError');
    expect(text.includes(secret)).toBe(false);
    for (const token of emu.tokens.map((t) => t.value)) expect(text.includes(token)).toBe(false);
  });

  it('Secret prints as [redacted] everywhere', () => {
    const value = new Secret('top-secret-value');
    expect(String(value)).toBe('[redacted]');
    expect(JSON.stringify({ value })).toBe('{"value":"[redacted]"}');
    expect(`${value}`).toBe('[redacted]');
    expect(inspect({ value })).not.toContain('top-secret-value');
    expect(value.reveal()).toBe('top-secret-value');
  });
});
