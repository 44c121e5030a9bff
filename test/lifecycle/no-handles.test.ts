import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('../fixtures/child-bot.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/src/index.js', import.meta.url));

describe('stop() leaves nothing behind', () => {
  it('a process that started and stopped a bot exits by itself', async () => {
    expect(existsSync(built), 'dist/ is missing: npm test builds first (pretest)').toBe(true);
    const proc = spawn(process.execPath, [child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    // If a handle leaked the process would never exit; the guard kills it and the test fails.
    const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      proc.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(guard);
    expect(stderr).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ received: 1, state: 'stopped' });
  });
});
