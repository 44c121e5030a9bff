import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo.js';

describe('npm start (the demo)', () => {
  it('plays the script against the emulator: every message echoed, nothing lost or duplicated, exit 0', async () => {
    let output = '';
    const out = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk.toString();
        callback();
      },
    });
    const code = await runDemo([], {}, out);
    expect(code, output).toBe(0);
    const number = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(output)?.[1]);
    expect(number('events sent')).toBe(8);
    expect(number('events received')).toBe(8);
    expect(number('lost')).toBe(0);
    expect(number('duplicated')).toBe(0);
    expect(number('replies sent')).toBe(8);
    expect(number('resumes')).toBeGreaterThanOrEqual(4);
    expect(output).toContain('session.resuming → session.ready');
    expect(output).toContain('(zombie)');
    expect(output).toContain('close 4009');
    expect(output).not.toContain('demo-secret');
  }, 60_000);
});
