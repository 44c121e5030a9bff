/**
 * `session_start_limit` (reference §3.2): a daily budget of session starts and at most `max_concurrency`
 * IDENTIFYs per 5 s window. Driven by the emulator clock, so tests move time instead of sleeping.
 */
import type { SessionStartLimitOptions } from './types.js';

export const IDENTIFY_WINDOW_MS = 5_000;
const DAY_MS = 86_400_000;

export interface SessionStartLimitSnapshot {
  total: number;
  remaining: number;
  reset_after: number;
  max_concurrency: number;
}

export type StartVerdict = 'ok' | 'rate-limited' | 'exhausted';

export class SessionStartLimit {
  readonly #total: number;
  readonly #maxConcurrency: number;
  readonly #now: () => number;
  #remaining: number;
  #resetAt: number;
  readonly #recentStarts: number[] = [];
  readonly #perBucket: boolean;
  /** When each rate-limit bucket last started a session (only with `perBucket`). */
  readonly #bucketStarts = new Map<number, number>();

  constructor(options: SessionStartLimitOptions, now: () => number) {
    this.#total = options.total ?? 1000;
    this.#remaining = options.remaining ?? this.#total;
    this.#maxConcurrency = options.maxConcurrency ?? 1;
    this.#perBucket = options.perBucket ?? false;
    this.#now = now;
    this.#resetAt = now() + (options.resetAfter ?? DAY_MS);
  }

  snapshot(): SessionStartLimitSnapshot {
    this.#rollOver();
    return {
      total: this.#total,
      remaining: this.#remaining,
      reset_after: Math.max(0, this.#resetAt - this.#now()),
      max_concurrency: this.#maxConcurrency,
    };
  }

  /** Takes one session start for `shardId` if the window, its bucket and the budget allow it. */
  tryStart(shardId = 0): StartVerdict {
    this.#rollOver();
    const now = this.#now();
    while (this.#recentStarts.length > 0 && (this.#recentStarts[0] ?? 0) <= now - IDENTIFY_WINDOW_MS) this.#recentStarts.shift();
    if (this.#recentStarts.length >= this.#maxConcurrency) return 'rate-limited';
    const bucket = shardId % this.#maxConcurrency;
    const bucketStartedAt = this.#bucketStarts.get(bucket);
    if (this.#perBucket && bucketStartedAt !== undefined && bucketStartedAt > now - IDENTIFY_WINDOW_MS) return 'rate-limited';
    if (this.#remaining <= 0) return 'exhausted';
    this.#remaining -= 1;
    this.#recentStarts.push(now);
    if (this.#perBucket) this.#bucketStarts.set(bucket, now);
    return 'ok';
  }

  #rollOver(): void {
    const now = this.#now();
    if (now < this.#resetAt) return;
    this.#remaining = this.#total;
    while (this.#resetAt <= now) this.#resetAt += DAY_MS;
  }
}
