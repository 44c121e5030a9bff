import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../machines/recent-ids.js';

describe('RecentIds.admit', () => {
  it('admits an id once, then refuses it while it is recent', () => {
    const ids = new RecentIds(4);
    expect(ids.admit('a')).toBe(true);
    expect(ids.admit('a')).toBe(false);
    expect(ids.has('a')).toBe(true);
    expect(ids.size).toBe(1);
  });

  it('remembers at least the last `capacity` ids across a generation swap, and forgets older ones', () => {
    const ids = new RecentIds(4);
    for (let i = 0; i < 6; i++) expect(ids.admit(`id${i}`)).toBe(true);
    // Two generations: id0..id3 (full, swapped out) and id4..id5.
    for (let i = 0; i < 6; i++) expect(ids.has(`id${i}`)).toBe(true);
    expect(ids.size).toBe(6);
    for (let i = 6; i < 8; i++) expect(ids.admit(`id${i}`)).toBe(true);
    // id4..id7 filled a generation: id0..id3 are dropped, the last 4 are kept.
    for (let i = 0; i < 4; i++) expect(ids.has(`id${i}`)).toBe(false);
    for (let i = 4; i < 8; i++) expect(ids.admit(`id${i}`)).toBe(false);
    expect(ids.admit('id0')).toBe(true);
  });

  it('agrees with has()/add() on any sequence of ids', () => {
    const a = new RecentIds(16);
    const b = new RecentIds(16);
    let state = 7;
    for (let i = 0; i < 2_000; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const id = `e${state % 40}`;
      const fresh = !b.has(id);
      if (fresh) b.add(id);
      expect(a.admit(id)).toBe(fresh);
    }
  });
});
