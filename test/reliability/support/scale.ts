/**
 * Sizes of the reliability suite. `RELIABILITY_SCALE=ci` (default, what `npm test` and CI run),
 * `full` (`npm run test:chaos`: the sizes of issue 8) or `soak` (`npm run soak`, before releases).
 * Every test prints its figures as one `[reliability]` JSON line; with `RELIABILITY_REPORT_DIR`
 * set they are also written there as `<name>.<scale>.json` (that is how docs/reliability.md is fed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Scale = 'ci' | 'full' | 'soak';

export const scale: Scale = ((): Scale => {
  const value = (process.env['RELIABILITY_SCALE'] ?? 'ci').trim();
  if (value === 'ci' || value === 'full' || value === 'soak') return value;
  throw new Error(`RELIABILITY_SCALE must be ci, full or soak, got "${value}"`);
})();

/** Picks the size for the current scale. */
export function sized<T>(sizes: Record<Scale, T>): T {
  return sizes[scale];
}

/** The seed of every pseudo-random choice; override with `RELIABILITY_SEED` to replay a run. */
export const seed = Number(process.env['RELIABILITY_SEED'] ?? 20_260_501);

/** A vitest timeout (ms) for the current scale. */
export function timeoutFor(sizes: Record<Scale, number>): number {
  return sizes[scale];
}

/** Prints the figures of one test (and writes them to RELIABILITY_REPORT_DIR when set). */
export function report(name: string, figures: Record<string, unknown>): void {
  const entry = { name, scale, seed, date: new Date().toISOString(), ...figures };
  console.log(`[reliability] ${JSON.stringify(entry)}`);
  const dir = process.env['RELIABILITY_REPORT_DIR'];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.${scale}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  }
}

/** p-th percentile (0–100) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** The largest value (0 for an empty list); safe for lists too long to spread into Math.max. */
export function maxOf(values: readonly number[]): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** mulberry32: a tiny seeded PRNG, so a run can be replayed from its seed. */
export function prng(initial: number) {
  let a = initial >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  /** Poisson-distributed count with mean `mean` (Knuth; fine for small means). */
  const poisson = (mean: number): number => {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k += 1;
      p *= next();
    } while (p > limit);
    return k - 1;
  };
  const weighted = <T extends string>(weights: Readonly<Record<T, number>>): T => {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1]![0];
  };
  return { next, int, pick, poisson, weighted };
}

export type Rng = ReturnType<typeof prng>;
