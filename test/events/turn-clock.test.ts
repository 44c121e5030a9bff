import { describe, expect, it } from 'vitest';
import { turnClock } from '../../src/events/turn-clock.js';

describe('turnClock', () => {
  it('reads the clock once for everything delivered in one synchronous run, and again after it', async () => {
    let reads = 0;
    const clock = turnClock(() => 1_000 + ++reads);
    expect([clock(), clock(), clock()]).toEqual([1_001, 1_001, 1_001]);
    expect(reads).toBe(1);
    await Promise.resolve();
    expect([clock(), clock()]).toEqual([1_002, 1_002]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock()).toBe(1_003);
    expect(reads).toBe(3);
  });
});
