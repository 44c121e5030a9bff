/**
 * The package's type promises, checked the way a user meets them: `npm pack`, a fresh project that
 * installs the tarball (and no @types/ws), `tsc --strict` with module nodenext, on TypeScript 5.9 and
 * on the newest TypeScript (7, a native compiler). Checked files: every `.ts` in test/package/consumer/
 * (the RxJS compositions), and every `examples/*.ts` when the repository has examples.
 *
 * One temporary project serves both compilers: TypeScript 7 is installed under the alias `ts7`
 * (its package is also named `typescript` and its bin also `tsc`), and each compiler is run by path.
 * Needs the npm registry (or a warm npm cache: `--prefer-offline`). Not in the root package.json on
 * purpose: TypeScript 7's `tsc` bin would clash with the build's.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFindings, pendingSectionLinks, scanDeclarations, scanDoc, scanSourceMaps, shippedDocs } from '../docs/doc-references.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const consumerSources = fileURLToPath(new URL('./consumer', import.meta.url));
const examples = join(root, 'examples');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The compilers, and where each one's entry point lands in the temporary project. */
const compilers = [
  { name: 'TypeScript 5.9.3', spec: 'typescript@5.9.3', tsc: 'node_modules/typescript/bin/tsc', version: '5.9.3' },
  { name: 'TypeScript 7.0.2 (native)', spec: 'ts7@npm:typescript@7.0.2', tsc: 'node_modules/ts7/bin/tsc', version: '7.0.2' },
];

/** Installed at the versions the repository itself uses, so a warm npm cache answers. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

let project = '';
const timings: Record<string, number> = {};

beforeAll(async () => {
  expect(existsSync(join(root, 'dist/src/index.d.ts')), 'dist/ is missing: npm test builds first (pretest)').toBe(true);
  const started = performance.now();
  project = mkdtempSync(join(tmpdir(), 'qq-bot-machine-consumer-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', project], { cwd: root });
  const tarball = join(project, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  timings.pack = performance.now() - started;

  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022'],
          types: ['node'],
          noEmit: true,
          // The point of the exercise: the package's own .d.ts files are checked too.
          skipLibCheck: false,
        },
        include: ['src/**/*.ts', 'examples/**/*.ts'],
      },
      null,
      2,
    ),
  );
  cpSync(consumerSources, join(project, 'src'), { recursive: true });
  if (existsSync(examples)) cpSync(examples, join(project, 'examples'), { recursive: true, filter: (path) => !path.includes('node_modules') });

  const installStarted = performance.now();
  await run(
    npm,
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      tarball,
      `rxjs@${installedVersion('rxjs')}`,
      `@types/node@${installedVersion('@types/node')}`,
      ...compilers.map((compiler) => compiler.spec),
    ],
    { cwd: project, timeout: 240_000 },
  );
  timings.install = performance.now() - installStarted;
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  // How long the consumer check takes, for the CI log (not asserted: the machine is shared and noisy).
  console.info(`consumer type test: ${Object.entries(timings).map(([step, ms]) => `${step} ${Math.round(ms)} ms`).join(', ')}`);
});

/** The files a compiler must have checked: the consumer sources, and examples/*.ts if any. */
function expectedFiles(): string[] {
  const files = readdirSync(consumerSources).filter((file) => file.endsWith('.ts')).map((file) => `src/${file}`);
  if (existsSync(examples)) files.push(...readdirSync(examples).filter((file) => file.endsWith('.ts')).map((file) => `examples/${file}`));
  return files;
}

describe('a consumer project (packed tarball, tsc --strict, module nodenext, no @types/ws)', () => {
  it('installs no @types/ws', () => {
    expect(existsSync(join(project, 'node_modules/@types/ws'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/qq-bot-machine/dist/src/index.d.ts'))).toBe(true);
  });

  it.each(compilers)('type-checks the compositions and every example on $name', async (compiler) => {
    const tsc = join(project, compiler.tsc);
    const { stdout: version } = await run(process.execPath, [tsc, '--version'], { cwd: project });
    expect(version.trim()).toBe(`Version ${compiler.version}`);
    const started = performance.now();
    const result = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false', '--listFiles'], { cwd: project, timeout: 180_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
    );
    timings[compiler.name] = performance.now() - started;
    const diagnostics = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(diagnostics, `${compiler.name} reported errors`).toEqual([]);
    expect(result.code).toBe(0);
    // The files were really part of the program (a wrong include would check nothing and pass).
    const listed = result.stdout.split('\n').map((line) => line.trim().replaceAll('\\', '/'));
    for (const file of expectedFiles()) expect(listed.some((line) => line.endsWith(`/${file}`)), `${file} was not checked`).toBe(true);
    expect(listed.some((line) => line.endsWith('/qq-bot-machine/dist/src/index.d.ts'))).toBe(true);
  }, 200_000);

  it('ships docs, types and source maps that can be followed from the installed package alone', () => {
    const installed = join(project, 'node_modules/qq-bot-machine');
    const docs = shippedDocs(installed);
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/protocol-reference.md', 'docs/peer-sdks.md', 'docs/getting-started.md']));
    const findings = docs.flatMap((file) => scanDoc(installed, file)).filter((f) => !(pendingSectionLinks.has(f.file) && f.kind === 'section-ref'));
    expect(formatFindings([...findings, ...scanSourceMaps(installed), ...scanDeclarations(installed)])).toBe('');
    expect(existsSync(join(installed, 'dist/src/index.js.map'))).toBe(true);
  });
});
