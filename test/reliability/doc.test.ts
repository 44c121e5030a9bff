/**
 * docs/reliability.md states the figures of docs/reliability.json, the committed report of a full
 * run, and nothing else: the generated part of the doc must be exactly what the JSON renders to.
 * `npm run docs:reliability` runs the full suite, then this file with RELIABILITY_DOC_FROM set, which
 * first merges the run's reports into docs/reliability.json and rewrites the doc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figuresIn, mergeReports, renderFigures, withFigures, type ReliabilityReport } from './support/reliability-doc.js';

const jsonPath = fileURLToPath(new URL('../../docs/reliability.json', import.meta.url));
const docPath = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url));

function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', '.', ':!docs/reliability.json', ':!docs/reliability.md') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

const from = process.env['RELIABILITY_DOC_FROM'];
if (from) {
  const report = mergeReports(from, { node: process.version, commit: commit() });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(docPath, withFigures(readFileSync(docPath, 'utf8'), renderFigures(report)));
}

describe('docs/reliability.md', () => {
  const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as ReliabilityReport;
  const doc = readFileSync(docPath, 'utf8');

  it('states exactly the figures of docs/reliability.json (regenerate: npm run docs:reliability)', () => {
    expect(figuresIn(doc)).toBe(renderFigures(report));
  });

  it('comes from a full run in which every fault took effect, nothing was lost and no expired token was used', () => {
    expect(report.scale).toBe('full');
    const chaos = report.tests['chaos'] as { faultsScheduled: number; faultsTookEffect: number; lost: number; duplicated: number; emulator: { expiredTokenUses: number } };
    expect(chaos.faultsTookEffect).toBe(chaos.faultsScheduled);
    expect([chaos.lost, chaos.duplicated, chaos.emulator.expiredTokenUses]).toEqual([0, 0, 0]);
    expect((report.tests['token'] as { expiredTokenUses: number }).expiredTokenUses).toBe(0);
    for (const name of ['chaos', 'token', 'fuzz-frames', 'fuzz-huge-frames', 'fuzz-http', 'leaks', 'load', 'replay', 'secrets-demo', 'limits-fatal-codes']) {
      expect(report.tests, name).toHaveProperty([name]);
    }
  });
});
