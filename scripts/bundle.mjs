/**
 * Second step of `npm run build` (after tsc, which type-checks and writes every .js and .d.ts): bundles each
 * published entry from the TypeScript sources into one file at the path tsc gave it, so that `import` reads a
 * few files instead of ~105 (bench/notes.md, issue 20). Code shared by several entries, and the modules they load
 * lazily (inspector, demo, CLIs), go to dist/src/chunks/, so every class exists once in a process. Dependencies
 * stay external. The source maps carry the TypeScript sources, so they can be followed from the package alone.
 */
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/src`;
const requireFromRoot = createRequire(`${root}package.json`);

/**
 * The four dependencies are CommonJS (xstate's and ws's ESM entries are wrappers around their CJS files). Importing
 * CJS from ESM sends each file through Node's ESM→CJS translator, which costs more than loading it: callgrind of a bare
 * `import` vs `require()` on Node 20, in instructions, xstate 56 M vs 15 M, the five rxjs/internal modules 68 M vs
 * 35 M, pino 87 M vs 61 M, ws about twice. So the bundle loads them with `require()`: each `import … from 'xstate'`
 * reads from a module that requires it once. A user's own `import 'xstate'` or `import 'rxjs'` gets the same
 * CJS instance (their ESM entries re-export those files), so classes and `instanceof` stay shared.
 */
const requiredDependency = /^(ws|pino|xstate|rxjs)(\/.*)?$/;
const viaRequire = {
  name: 'dependencies-via-require',
  resolveId(id) {
    return requiredDependency.test(id) ? `\0required:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0required:')) return null;
    const specifier = id.slice('\0required:'.length);
    const names = Object.keys(requireFromRoot(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
    return [
      `import { createRequire } from 'node:module';`,
      `const required = createRequire(import.meta.url)(${JSON.stringify(specifier)});`,
      `export default required;`,
      `export const { ${names.join(', ')} } = required;`,
    ].join('\n');
  },
};

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
  plugins: [viaRequire],
  // Every other bare specifier (node:*, ioredis) stays an import.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !requiredDependency.test(id),
  treeshake: true,
  logLevel: 'warn',
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
    // Comments and whitespace only (the .d.ts keep the docs, the maps keep the sources); names stay, so class names
    // in logs and stack frames are the real ones. callgrind of import: 797–799 M → 789–793 M instructions.
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  },
});
