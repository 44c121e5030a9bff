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

describe('RecentIds: exact, whatever the ids look like', () => {
  it('never confuses two ids: same length, same hash bucket, one character apart, prefixes, the empty id', () => {
    const ids = new RecentIds(64);
    const tricky = ['', 'a', 'aa', 'ab', 'ba', 'C2C_MESSAGE_CREATE:1', 'C2C_MESSAGE_CREATE:2', 'C2C_MESSAGE_CREATE:10', 'C2C_MESSAGE_CREATE:1 '];
    for (const id of tricky) expect(ids.admit(id), JSON.stringify(id)).toBe(true);
    for (const id of tricky) expect(ids.admit(id), JSON.stringify(id)).toBe(false);
    expect(ids.newest(100)).toEqual(tricky);
  });

  it('keeps ids beyond Latin-1 (kept as strings) and Latin-1 ids that look alike byte for byte', () => {
    const ids = new RecentIds(8);
    // 'Ā' (U+0100) truncated to a byte would be U+0000; '你' would be 0x60 ('`').
    const pairs = [['xĀ', 'x\u0000'], ['你好', '\u0060\u007d'], ['ÿ', 'ÿ\u0000']];
    for (const [a, b] of pairs) {
      expect(ids.admit(a as string)).toBe(true);
      expect(ids.admit(b as string)).toBe(true);
      expect(ids.admit(a as string)).toBe(false);
      expect(ids.admit(b as string)).toBe(false);
    }
    expect(ids.newest(3)).toEqual(['\u0060\u007d', 'ÿ', 'ÿ\u0000']);
  });

  it('agrees with a plain Set over the same window, for 20,000 random ids with many repeats and long ids', () => {
    const capacity = 32;
    const ids = new RecentIds(capacity);
    // The model: two generations of plain Sets, swapped at `capacity`.
    let current = new Set<string>();
    let previous = new Set<string>();
    let state = 11;
    for (let i = 0; i < 20_000; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const id = state % 7 === 0 ? `${'x'.repeat(200)}${state % 97}` : state % 11 === 0 ? `事件${state % 50}` : `GROUP_AT_MESSAGE_CREATE:${state % 300}`;
      const fresh = !current.has(id) && !previous.has(id);
      expect(ids.admit(id)).toBe(fresh);
      if (fresh) {
        current.add(id);
        if (current.size >= capacity) {
          previous = current;
          current = new Set();
        }
      }
      expect(ids.size).toBe(current.size + previous.size);
    }
    expect(ids.newest(10)).toEqual([...previous, ...current].slice(-10));
  });

  it('allocates nothing until the first id', () => {
    expect(new RecentIds().size).toBe(0);
    expect(new RecentIds().newest(5)).toEqual([]);
    expect(new RecentIds().has('a')).toBe(false);
  });
});

describe('RecentIds: ids that defeat its sampled hash', () => {
  it('stays exact, and switches to hashing whole ids once collisions pile up', () => {
    const capacity = 256;
    const ids = new RecentIds(capacity);
    // 48 characters, all alike but two in the middle (not among the hashed ones): every id has the same sampled hash.
    const id = (n: number) => `${'a'.repeat(5)}${String.fromCharCode(65 + (n % 26), 65 + Math.floor(n / 26))}${'a'.repeat(41)}`;
    let current = new Set<string>();
    let previous = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const n = (i * 7) % 600;
      const fresh = !current.has(id(n)) && !previous.has(id(n));
      expect(ids.admit(id(n))).toBe(fresh);
      if (fresh) {
        current.add(id(n));
        if (current.size >= capacity) {
          previous = current;
          current = new Set();
        }
      }
    }
    expect(ids.hashesWholeIds).toBe(true);
    expect(ids.size).toBe(current.size + previous.size);
    expect(ids.newest(5)).toEqual([...previous, ...current].slice(-5));
  });

  it('random platform-shaped ids never make it switch', () => {
    const ids = new RecentIds();
    for (let i = 0; i < 50_000; i++) ids.admit(`GROUP_AT_MESSAGE_CREATE:${Math.random().toString(36).slice(2)}${i.toString(16)}`);
    expect(ids.hashesWholeIds).toBe(false);
  });
});

describe('RecentIds.newest', () => {
  it('gives back the newest ids exactly, across both generations, whatever their length', () => {
    const ids = new RecentIds(4);
    const long = `ROBOT1.0_${'x'.repeat(100_000)}!`;
    const added = ['a', 'C2C_MESSAGE_CREATE:0b6f0a52', long, 'ÿ-latin1', 'b', 'c'];
    for (const id of added) ids.add(id);
    expect(ids.newest(3)).toEqual(['ÿ-latin1', 'b', 'c']);
    expect(ids.newest(5)).toEqual(added.slice(1));
    expect(ids.newest(100)).toEqual(added);
    expect(ids.newest(0)).toEqual([]);
    expect(ids.admit(long)).toBe(false);
  });
});
