import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { import?: string; types?: string }>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};

describe('the qq-bot-machine/redis entry point', () => {
  it('is exported, typed, and ioredis is an optional peer dependency, not a dependency', () => {
    expect(pkg.exports['./redis']).toEqual({ types: './dist/src/redis/index.d.ts', import: './dist/src/redis/index.js' });
    expect(readFileSync(new URL(`../../${pkg.exports['./redis']?.types}`, import.meta.url), 'utf8')).toContain('createRedisShardLeases');
    expect(pkg.peerDependencies?.['ioredis']).toBeDefined();
    expect(pkg.peerDependenciesMeta?.['ioredis']?.optional).toBe(true);
    expect(pkg.dependencies['ioredis']).toBeUndefined();
  });

  it('neither entry point loads ioredis: the user passes their own client', () => {
    const script = `
      const { createRequire } = await import('node:module');
      const main = await import(${JSON.stringify(new URL(`../../${pkg.exports['.']?.import}`, import.meta.url).href)});
      const redis = await import(${JSON.stringify(new URL(`../../${pkg.exports['./redis']?.import}`, import.meta.url).href)});
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('/node_modules/ioredis/'));
      console.log(JSON.stringify({
        loaded,
        main: [typeof main.createFileSessionStore, typeof main.createMemorySessionStore],
        redis: [typeof redis.createRedisSessionStore, typeof redis.createRedisIdentifyCoordinator, typeof redis.createRedisShardLeases],
      }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) }).toString();
    expect(JSON.parse(out)).toEqual({ loaded: false, main: ['function', 'function'], redis: ['function', 'function', 'function'] });
  });
});
