import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { import?: string; types?: string }>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('the built package', () => {
  it('maps "." and "./emulator" to built entry points that import cleanly', async () => {
    const main = await import(new URL(`../${pkg.exports['.']?.import}`, import.meta.url).href);
    const emulator = await import(new URL(`../${pkg.exports['./emulator']?.import}`, import.meta.url).href);
    expect(typeof main.createBot).toBe('function');
    expect(typeof main.ofType).toBe('function');
    expect(typeof main.createWebhookHandler).toBe('function');
    expect(typeof emulator.startEmulator).toBe('function');
    for (const entry of ['.', './emulator']) {
      expect(readFileSync(new URL(`../${pkg.exports[entry]?.types}`, import.meta.url), 'utf8')).toContain('export');
    }
  });

  it('ships the qq-bot-machine command with a node shebang', () => {
    const cli = readFileSync(new URL(`../${pkg.bin['qq-bot-machine']}`, import.meta.url), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('keeps the runtime dependencies to the chosen four', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['pino', 'rxjs', 'ws', 'xstate']);
  });
});
