/**
 * Shipped docs must not point at what the package does not ship. Files in `owned` (written for package users)
 * must be clean; the others are reported, not failed, until their sweep (`npm run docs:check` prints the list).
 * The API reference must name every runtime export of both entry points.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as emulatorExports from '../../src/emulator/index.js';
import * as packageExports from '../../src/index.js';
import { formatFindings, isShipped, scanDeclarations, scanDoc, scanSourceMaps, shippedDocs, shippedPatterns } from './doc-references.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Docs that must be clean now. */
const owned = [
  'docs/api/emulator.md',
  'docs/api/index.md',
  'docs/getting-started.md',
  'docs/messages.md',
  'docs/migration.md',
  'docs/recipes.md',
  'docs/rest.md',
];

describe('references in shipped docs', () => {
  it('finds § references, links outside `files`, and missing targets (the checker itself)', () => {
    const files = ['dist/src', 'README.md', 'docs'];
    expect(isShipped('docs/rest.md', files)).toBe(true);
    expect(isShipped('machines/shard.machine.ts', files)).toBe(false);
    expect(isShipped('dist/srcx/a.js', files)).toBe(false);
    expect(shippedPatterns(root)).toContain('docs');
    expect(shippedDocs(root)).toEqual(expect.arrayContaining(['README.md', 'docs/rest.md', 'docs/api/index.md']));

    const fixture = mkdtempSync(join(tmpdir(), 'docs-check-'));
    mkdirSync(join(fixture, 'docs'));
    writeFileSync(join(fixture, 'package.json'), JSON.stringify({ files: ['docs', 'README.md'] }));
    writeFileSync(join(fixture, 'docs', 'ok.md'), '# ok');
    writeFileSync(
      join(fixture, 'docs', 'a.md'),
      ['see reference §9.2', '[machine](../machines/shard.machine.ts) [ok](ok.md#x) [web](https://e.com/§1) [gone](gone.md)', '[anchor](#top)'].join('\n'),
    );
    expect(scanDoc(fixture, 'docs/a.md').map((f) => [f.line, f.kind, f.text])).toEqual([
      [1, 'section-ref', '§9.2'],
      [2, 'section-ref', '§1'],
      [2, 'unshipped-link', '../machines/shard.machine.ts'],
      [2, 'missing-link', 'gone.md'],
    ]);
  });

  it('the docs written for package users are clean', () => {
    const findings = owned.flatMap((file) => scanDoc(root, file));
    expect(formatFindings(findings)).toBe('');
  });

  it('reports the rest (not a failure until their sweep)', () => {
    const others = shippedDocs(root).filter((file) => !owned.includes(file));
    const findings = others.flatMap((file) => scanDoc(root, file));
    const maps = scanSourceMaps(root);
    const declarations = scanDeclarations(root);
    const report = formatFindings(findings);
    console.log(
      `[docs:check] ${findings.length} references to unshipped material in ${new Set(findings.map((f) => f.file)).size} shipped docs` +
        ` (${findings.filter((f) => f.kind === 'section-ref').length} "§", ${findings.filter((f) => f.kind !== 'section-ref').length} links);` +
        ` ${maps.length} source-map entries point outside \`files\`;` +
        ` ${declarations.length} "§" in ${new Set(declarations.map((f) => f.file)).size} shipped .d.ts files (dist/ as last built)${report ? `\n${report}` : ''}`,
    );
    expect(findings.every((f) => !owned.includes(f.file))).toBe(true);
  });
});

describe('the generated API reference', () => {
  const headings = (file: string) => new Set([...readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').matchAll(/^### (\S+)$/gm)].map((m) => m[1]));

  it("names every runtime export of 'qq-bot-machine' (run `npm run docs:api` after adding one)", () => {
    const documented = headings('docs/api/index.md');
    expect(Object.keys(packageExports).filter((name) => !documented.has(name))).toEqual([]);
  });

  it("names every runtime export of 'qq-bot-machine/emulator'", () => {
    const documented = headings('docs/api/emulator.md');
    expect(Object.keys(emulatorExports).filter((name) => !documented.has(name))).toEqual([]);
  });
});
