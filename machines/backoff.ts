/**
 * Backoff schedules shared by the machines. Pure functions of an attempt number; the jitter source
 * is a parameter so tests can pin it.
 */

/** Reconnect schedule of reference §5.3: 1, 2, 5, 10, 30, 60 s, preceded by an immediate first try. */
export const reconnectScheduleMs = [0, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000] as const;

/** Adds up to `fraction` of `ms` at random, so that many clients do not retry in lockstep. */
export function withJitter(ms: number, fraction = 0.2, random: () => number = Math.random): number {
  return Math.round(ms + ms * fraction * random());
}

/**
 * How far the immediate first reconnect is spread: 25 ms per shard of the bot, at most 250 ms. When a
 * gateway node restarts, every shard on it drops at once; spread, their reconnects arrive about one
 * per 25 ms instead of all together. A bot with one shard has nobody to spread from, so it loses at
 * most 25 ms (docs/lifecycle.md, docs/benchmarks.md §4).
 */
export function firstReconnectSpreadMs(shardCount: number): number {
  return Math.min(250, 25 * Math.max(1, shardCount));
}

export function reconnectDelayMs(attempt: number, random: () => number = Math.random, firstTrySpreadMs = 250): number {
  const index = Math.min(attempt, reconnectScheduleMs.length - 1);
  const base = reconnectScheduleMs[index] ?? 60_000;
  return base === 0 ? Math.round(firstTrySpreadMs * random()) : withJitter(base, 0.2, random);
}

/** Exponential backoff for HTTP retries: 1 s, 2 s, 4 s … capped, with jitter. */
export function exponentialDelayMs(attempt: number, capMs = 60_000, random: () => number = Math.random): number {
  const base = Math.min(1_000 * 2 ** Math.max(0, attempt), capMs);
  return Math.min(withJitter(base, 0.25, random), capMs);
}

/** setTimeout fires at once for delays above 2^31-1 ms, so every machine delay is clamped to this. */
export const maxTimerMs = 2 ** 31 - 1;
