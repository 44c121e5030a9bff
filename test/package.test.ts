import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('imports only the RxJS modules it uses, and its observables are the same RxJS users import', () => {
    // rxjs' CommonJS index loads every operator: most of the import time (docs/benchmarks.md §5).
    const script = `
      const { createRequire } = await import('node:module');
      const lib = await import(${JSON.stringify(new URL(`../${pkg.exports['.']?.import}`, import.meta.url).href)});
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const rootIndexLoaded = loaded.some((file) => file.endsWith('/rxjs/dist/cjs/index.js'));
      const rxjs = await import('rxjs');
      const bot = lib.createBot({ appId: '1', secret: 's', logger: (await import('pino')).pino({ level: 'silent' }) });
      const piped = [];
      bot.state$.pipe(rxjs.map((state) => state.status), rxjs.take(1)).subscribe((status) => piped.push(status));
      console.log(JSON.stringify({ rootIndexLoaded, isObservable: bot.events$ instanceof rxjs.Observable, piped }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) }).toString();
    expect(JSON.parse(out)).toEqual({ rootIndexLoaded: false, isObservable: true, piped: ['idle'] });
  });
});
