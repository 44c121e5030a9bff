import { describe, expect, it } from 'vitest';
import { reconnectDelayMs, reconnectScheduleMs } from '../../machines/backoff.js';
import { failedAttemptsAfter, reconnectScheduleStep } from '../../machines/reconnect-policy.js';

describe('reconnect policy (machines/reconnect-policy.ts)', () => {
  // [failed attempts before, the session that ended was healthy, failed attempts after, schedule step, base wait]
  const table: Array<[number, boolean, number, number, number]> = [
    [0, true, 0, 0, 0], // a healthy session drops: at once
    [5, true, 0, 0, 0], // …whatever happened before it
    [0, false, 1, 0, 0], // the first failure in a row: at once too (the tail of the same blip)
    [1, false, 2, 1, 1_000],
    [2, false, 3, 2, 2_000],
    [3, false, 4, 3, 5_000],
    [4, false, 5, 4, 10_000],
    [5, false, 6, 5, 30_000],
    [6, false, 7, 6, 60_000],
    [40, false, 41, 6, 60_000], // capped at the last step
  ];
  it.each(table)('%i failed before, healthy %s → %i failed, step %i (%i ms)', (before, healthy, after, step, baseMs) => {
    expect(failedAttemptsAfter(before, healthy)).toBe(after);
    expect(reconnectScheduleStep(after)).toBe(step);
    expect(reconnectScheduleMs[step]).toBe(baseMs);
  });

  it('bounds a platform that kills every session before it is healthy: ≤ 7 connections in the first minute, then ≤ 1 per 60 s', () => {
    // Worst case: every attempt fails instantly and every jitter is 0 (jitter only ever adds time).
    let failed = 0;
    let at = 0;
    const connections: number[] = [at]; // the first attempt, which fails like every later one
    for (let attempt = 0; attempt < 60; attempt++) {
      failed = failedAttemptsAfter(failed, false);
      at += reconnectDelayMs(reconnectScheduleStep(failed), () => 0);
      connections.push(at);
    }
    expect(connections.filter((t) => t < 60_000)).toHaveLength(7);
    for (let minute = 1; minute < 60; minute++) {
      const inMinute = connections.filter((t) => t >= minute * 60_000 && t < (minute + 1) * 60_000).length;
      expect(inMinute, `minute ${minute}`).toBeLessThanOrEqual(1);
    }
  });
});
