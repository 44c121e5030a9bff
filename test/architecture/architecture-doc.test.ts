/**
 * docs/architecture.md names files and the layers; this keeps it honest as files move: every path it names exists,
 * and its layer table lists the layers of test/architecture/layers.ts, in order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './import-graph.js';
import { layers } from './layers.js';

const doc = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const paths = [...doc.matchAll(/`((?:src|machines|test|docs)\/[^`*\s]*)`/g)].map((match) => match[1]!);
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });

  it('shows the layers of the checked table, bottom first', () => {
    const rows = [...doc.matchAll(/^\| (\w+) \| `/gm)].map((match) => match[1]);
    expect(rows).toEqual(layers.map((layer) => layer.name));
  });
});
