import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the inspector in the published package', () => {
  it('ships the page (its script is the compiled source), the CLI command and the docs screenshot', async () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set(pack?.files.map((f) => f.path));
    for (const file of ['dist/src/inspector/index.js', 'dist/src/inspector/index.d.ts', 'dist/src/inspector/page/script.js', 'dist/src/inspector/page/assets.js', 'dist/src/inspector/cli.js', 'docs/inspect.md', 'docs/img/inspector.png']) {
      expect(files.has(file), file).toBe(true);
    }
    const built = (await import(new URL('../../dist/src/index.js', import.meta.url).href)) as typeof import('../../src/index.js');
    expect(typeof built.serveInspector).toBe('function');
    expect(typeof built.serveRecording).toBe('function');
  }, 60_000);
});
