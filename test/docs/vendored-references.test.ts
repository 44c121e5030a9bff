import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The notes the docs cite (§n, peer-sdks §n) are vendored under docs/ so the package ships them
// (`npm run docs:vendor`); where the project's shared/ folder sits beside the checkout (as in CI), each copy
// below its marker line must match the shared file byte for byte.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MARKER = '<!-- Verbatim copy below this line. -->';
const copies = [
  { vendored: 'docs/protocol-reference.md', shared: '../shared/protocol/reference.md', firstHeading: '## 0. Sources and how they are cited' },
  { vendored: 'docs/peer-sdks.md', shared: '../shared/research/peer-sdks.md', firstHeading: '## 0. What was read' },
];

function verbatimPart(file: string): string {
  const text = readFileSync(path.join(root, file), 'utf8');
  const at = text.indexOf(`\n${MARKER}\n\n`);
  expect(at, `${file} has the marker line`).toBeGreaterThan(0);
  return text.slice(at + MARKER.length + 3);
}

describe.each(copies)('vendored $vendored', ({ vendored, shared, firstHeading }) => {
  it('says what it is above the marker and holds the notes below it', () => {
    const text = readFileSync(path.join(root, vendored), 'utf8');
    expect(text.slice(0, text.indexOf(MARKER))).toMatch(/§n/);
    expect(verbatimPart(vendored)).toContain(firstHeading);
  });

  it.runIf(existsSync(path.join(root, shared)))(`matches ${shared} byte for byte (run \`npm run docs:vendor\` after it changes)`, () => {
    expect(verbatimPart(vendored)).toBe(readFileSync(path.join(root, shared), 'utf8'));
  });
});
