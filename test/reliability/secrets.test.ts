/**
 * Issue 8, part 6 — secrets: the full demo (npm start: op 7, 4009, a zombie, a token expiry with
 * 4004, replies over REST) with the bot logging at trace level never writes the secret or any access
 * token, neither in the log nor in what it prints. The chaos run (chaos.test.ts) checks the same at
 * trace level over its thousands of events and hundreds of faults.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo.js';
import type { Emulator } from '../../src/emulator/index.js';
import { captureLogs } from '../support/bot-fixture.js';
import { report } from './support/scale.js';

/** The demo's built-in credentials (src/demo.ts). */
const demoSecret = 'demo-secret-do-not-use-in-production';

describe('secrets at trace level', () => {
  it('the full demo logs at trace level and prints its summary without the secret or a token', async () => {
    let emulator: Emulator | undefined;
    let printed = '';
    const out = new Writable({
      write(chunk, _encoding, callback) {
        printed += chunk.toString();
        callback();
      },
    });
    const logs = captureLogs('trace');
    const code = await runDemo(['--verbose'], {}, out, { logger: logs.logger, onEmulator: (emu) => (emulator = emu) });
    expect(code, printed).toBe(0);
    // Every access token the platform handed out.
    const tokens = new Set((emulator?.tokens ?? []).map((issued) => issued.value));

    const text = logs.text();
    const leaks = {
      secretInLog: text.includes(demoSecret),
      secretPrinted: printed.includes(demoSecret),
      tokensInLog: [...tokens].filter((token) => text.includes(token)).length,
      tokensPrinted: [...tokens].filter((token) => printed.includes(token)).length,
    };
    const byLevel: Record<string, number> = {};
    for (const line of logs.lines) {
      const level = /"level":(\d+)/.exec(line)?.[1] ?? '?';
      byLevel[level] = (byLevel[level] ?? 0) + 1;
    }
    report('secrets-demo', {
      loggerLevel: logs.logger.level,
      logLines: logs.lines.length,
      linesByLevel: byLevel,
      tokensIssued: tokens.size,
      ...leaks,
    });
    expect(tokens.size).toBeGreaterThanOrEqual(2); // the demo's 4004 makes it fetch a fresh one
    // Everything the bot logs reached the capture: trace is on, and the debug lines (every state
    // change of every machine) are there.
    expect(logs.logger.isLevelEnabled('trace')).toBe(true);
    expect(byLevel['20'] ?? 0).toBeGreaterThan(20);
    expect(logs.lines.length).toBeGreaterThan(50);
    expect(leaks).toEqual({ secretInLog: false, secretPrinted: false, tokensInLog: 0, tokensPrinted: 0 });
  }, 60_000);
});
