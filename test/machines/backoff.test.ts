import { describe, expect, it } from 'vitest';
import { exponentialDelayMs, firstReconnectSpreadMs, reconnectDelayMs, reconnectScheduleMs } from '../../machines/backoff.js';

describe('backoff schedules', () => {
  it('reconnects along 0, 1, 2, 5, 10, 30, 60 s with at most 20 % jitter, capped at 60 s', () => {
    const low = () => 0;
    const high = () => 0.999;
    expect(reconnectScheduleMs).toEqual([0, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000]);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => reconnectDelayMs(attempt, low))).toEqual([0, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 60_000]);
    expect(reconnectDelayMs(0, high)).toBeLessThanOrEqual(250);
    // the first try's spread grows with the shards that may drop together: 25 ms each, 250 ms at most
    expect([1, 2, 10, 100].map(firstReconnectSpreadMs)).toEqual([25, 50, 250, 250]);
    expect(reconnectDelayMs(0, high, firstReconnectSpreadMs(1))).toBeLessThanOrEqual(25);
    expect(reconnectDelayMs(0, () => 0.5, firstReconnectSpreadMs(4))).toBe(50);
    expect(reconnectDelayMs(1, () => 0.5, firstReconnectSpreadMs(1))).toBe(1_100);
    expect(reconnectDelayMs(6, high)).toBeLessThanOrEqual(72_000);
  });

  it('HTTP retries double from 1 s and never exceed the cap', () => {
    const none = () => 0;
    expect([0, 1, 2, 3].map((attempt) => exponentialDelayMs(attempt, 60_000, none))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(exponentialDelayMs(30, 30_000, () => 0.999)).toBe(30_000);
  });
});
