/**
 * Shipped docs must not point at what the package does not ship: a "§n" must cite a file the doc links (the
 * vendored docs/protocol-reference.md or docs/peer-sdks.md) and a section that file has, a relative link must
 * resolve inside package.json `files`, a source map must carry the sources it names, and a "§n" in a shipped .d.ts
 * must be explained by the package README. Every shipped doc is checked; `npm run docs:check` prints the findings.
 * The API reference must name every runtime export of both entry points.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as emulatorExports from '../../src/emulator/index.js';
import * as packageExports from '../../src/index.js';
import { citedFile, formatFindings, pendingSectionLinks, isShipped, scanDeclarations, scanDoc, scanSourceMaps, shippedDocs, shippedPatterns } from './doc-references.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'docs-check-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const reference = '# ref\n## 1. Token\n### 1.1 Request\n## 9. Send\n### 9.2 Body\n## Appendix A: open\n';
const peers = '# peers\n## 3. Pains\n### 4b. qq-official-bot\n';

describe('references in shipped docs (the checker itself)', () => {
  it('knows what package.json ships', () => {
    const files = ['dist/src', 'README.md', 'docs'];
    expect(isShipped('docs/rest.md', files)).toBe(true);
    expect(isShipped('machines/shard.machine.ts', files)).toBe(false);
    expect(isShipped('dist/srcx/a.js', files)).toBe(false);
    expect(shippedPatterns(root)).toContain('docs');
    expect(shippedDocs(root)).toEqual(expect.arrayContaining(['README.md', 'docs/rest.md', 'docs/api/index.md', 'docs/protocol-reference.md']));
  });

  it('tells which file a "§n" cites', () => {
    expect(citedFile('see reference §9.2', 'see reference '.length)).toBe('docs/protocol-reference.md');
    expect(citedFile('(§9.2', 1)).toBe('docs/protocol-reference.md');
    expect(citedFile('pain (peer-sdks §3', 'pain (peer-sdks '.length)).toBe('docs/peer-sdks.md');
    expect(citedFile('（peer-sdks §3', '（peer-sdks '.length)).toBe('docs/peer-sdks.md');
    expect(citedFile('as in `shared/research/peer-sdks.md` §4', 'as in `shared/research/peer-sdks.md` '.length)).toBe('docs/peer-sdks.md');
    expect(citedFile('in `shared/protocol/reference.md` §4', 'in `shared/protocol/reference.md` '.length)).toBe('docs/protocol-reference.md');
    expect(citedFile('time (docs/benchmarks.md §5', 'time (docs/benchmarks.md '.length)).toBe('docs/benchmarks.md');
  });

  it('fails a "§n" in a doc that does not link what it cites, and a link outside `files` or to nothing', () => {
    const dir = fixture({
      'package.json': JSON.stringify({ files: ['docs', 'README.md'] }),
      'docs/ok.md': '# ok',
      'docs/protocol-reference.md': reference,
      'docs/a.md': ['see reference §9.2', '[machine](../machines/shard.machine.ts) [ok](ok.md#x) [web](https://e.com/§1) [gone](gone.md)', '[anchor](#top)'].join('\n'),
    });
    expect(scanDoc(dir, 'docs/a.md').map((f) => [f.line, f.kind, f.text])).toEqual([
      [1, 'section-ref', '§9.2'],
      [2, 'section-ref', '§1'],
      [2, 'unshipped-link', '../machines/shard.machine.ts'],
      [2, 'missing-link', 'gone.md'],
    ]);
  });

  it('accepts a "§n" in a doc that links the file it cites, when that file has the section', () => {
    const dir = fixture({
      'package.json': JSON.stringify({ files: ['docs', 'README.md'] }),
      'docs/protocol-reference.md': reference,
      'docs/peer-sdks.md': peers,
      'docs/b.md': [
        '§n cites [the reference](protocol-reference.md); peer-sdks §n cites [the survey](peer-sdks.md).',
        'token (§1.1), body (reference §9.2), §A, pains (peer-sdks §3), (peer-sdks §4b)',
        'no such section: §9.9, peer-sdks §5, §B',
      ].join('\n'),
      'docs/c.md': ['[the reference](protocol-reference.md) only', 'pains (peer-sdks §3)'].join('\n'),
    });
    expect(scanDoc(dir, 'docs/b.md').map((f) => [f.line, f.kind, f.text])).toEqual([
      [3, 'unknown-section', '§9.9'],
      [3, 'unknown-section', 'docs/peer-sdks.md §5'],
      [3, 'unknown-section', '§B'],
    ]);
    expect(scanDoc(dir, 'docs/c.md').map((f) => [f.line, f.kind, f.text])).toEqual([[2, 'section-ref', 'docs/peer-sdks.md §3']]);
    expect(scanDoc(dir, 'docs/protocol-reference.md')).toEqual([]);
  });

  it('accepts "§n" in shipped .d.ts files only when the package README links what they cite', () => {
    const declaration = '/** Body of a send (reference §9.2); pains (peer-sdks §3); gone (§9.9). */\nexport declare const x: 1;\n';
    const files = {
      'package.json': JSON.stringify({ files: ['dist/src', 'docs', 'README.md'] }),
      'docs/protocol-reference.md': reference,
      'docs/peer-sdks.md': peers,
      'dist/src/x.d.ts': declaration,
    };
    const explained = fixture({ ...files, 'README.md': '§n: [reference](docs/protocol-reference.md), [peers](docs/peer-sdks.md)' });
    expect(scanDeclarations(explained).map((f) => [f.file, f.kind, f.text])).toEqual([['dist/src/x.d.ts', 'unknown-section', '§9.9']]);
    const silent = fixture({ ...files, 'README.md': '# readme' });
    expect(scanDeclarations(silent).map((f) => f.kind)).toEqual(['section-ref', 'section-ref', 'section-ref']);
  });

  it('fails a source map that names an unshipped source without carrying its text', () => {
    const dir = fixture({
      'package.json': JSON.stringify({ files: ['dist/src'] }),
      'dist/src/a.js.map': JSON.stringify({ version: 3, sources: ['../../src/a.ts'], sourcesContent: ['export const a = 1;'], mappings: '' }),
      'dist/src/b.js.map': JSON.stringify({ version: 3, sources: ['../../src/b.ts'], mappings: '' }),
    });
    expect(scanSourceMaps(dir).map((f) => [f.file, f.text])).toEqual([['dist/src/b.js.map', 'src/b.ts']]);
  });
});

describe('the shipped package (dist/ as last built)', () => {
  const docs = shippedDocs(root).flatMap((file) => scanDoc(root, file));
  const maps = scanSourceMaps(root);
  const declarations = scanDeclarations(root);
  console.log(
    `[docs:check] ${shippedDocs(root).length} shipped docs: ${docs.length} findings` +
      ` (${docs.filter((f) => pendingSectionLinks.has(f.file) && f.kind === 'section-ref').length} tolerated in ${[...pendingSectionLinks].join(', ')});` +
      ` ${maps.length} source-map entries without their source; ${declarations.length} unexplained "§" in .d.ts` +
      `${docs.length + maps.length + declarations.length ? `\n${formatFindings([...docs, ...maps, ...declarations])}` : ''}`,
  );

  it('every shipped doc cites only what the package ships', () => {
    expect(formatFindings(docs.filter((f) => !(pendingSectionLinks.has(f.file) && f.kind === 'section-ref')))).toBe('');
  });

  it('every source map carries the sources the package does not ship (run `npm run build` first)', () => {
    expect(existsSync(join(root, 'dist/src/index.js.map')), 'dist/ is built with source maps').toBe(true);
    expect(formatFindings(maps)).toBe('');
  });

  it('every "§n" in the shipped .d.ts files is explained by the README and names a real section', () => {
    expect(formatFindings(declarations)).toBe('');
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
