/**
 * Second step of `npm run build` (after tsc, which type-checks and writes every .js and .d.ts): bundles each
 * published entry from the TypeScript sources into one file at the path tsc gave it, so that `import` reads a
 * few files instead of ~105 (bench/notes.md, issue 20). Code shared by several entries, and the modules they load
 * lazily (inspector, demo, CLIs), go to dist/src/chunks/, so every class exists once in a process. Dependencies
 * stay external. The source maps carry the TypeScript sources, so they can be followed from the package alone.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/src`;

await rm(`${outDir}/chunks`, { recursive: true, force: true });
await build({
  cwd: root,
  input: {
    index: 'src/index.ts',
    'emulator/index': 'src/emulator/index.ts',
    'redis/index': 'src/redis/index.ts',
    cli: 'src/cli.ts',
  },
  platform: 'node',
  // Every bare specifier (ws, pino, xstate, rxjs and its rxjs/internal/* modules, ioredis, node:*) is a dependency.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
  treeshake: true,
  logLevel: 'warn',
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
    minify: false,
  },
});
