/**
 * A bounded set of recently seen event ids, for dropping redeliveries of events that carry no `s`
 * (webhook-style frames, platform double pushes). Mutable on purpose: it sits in a machine's context
 * and is touched for every dispatch, so copying it would cost O(n) per event.
 *
 * Two generations: ids go into `current`; when it holds `capacity` ids it becomes `previous` and the
 * old `previous` is cleared and reused. The last `capacity` ids are always remembered (up to 2 ×
 * capacity are), and no add pays for an eviction.
 *
 * Exact, and cheap to ask. A `Set<string>` hashes every character of every id (V8 hashes a fresh
 * string in full on its first lookup): for the platform's 55-character ids that was ≈ 6 % of the
 * client's CPU time per event, about what the rest of the dedupe and the sequencer cost together
 * (bench/notes.md, issue 20). Here ids are found through an open-addressing table keyed by a hash of
 * their length and a dozen of their characters — the tail, where the platform's ids differ, and a
 * few spread over the rest — and a hash match is confirmed by comparing the whole id, so two ids are
 * never confused. Ids that collide on those characters only cost compares; if they ever collide
 * often (`maxCollisions`), the set switches for good to hashing whole ids (`Set`s), so no input can
 * make it slow.
 */
export class RecentIds {
  // Null until the first id: an idle shard's set costs no tables (issue 20: a thousand idle shards).
  #current: Generation | null = null;
  #previous: Generation | null = null;
  readonly #capacity: number;
  /** Ids whose sampled hash matched a different id's. */
  #collisions = 0;
  #wholeIds: { current: Set<string>; previous: Set<string> } | null = null;

  constructor(capacity = 2_048) {
    this.#capacity = Math.max(1, capacity);
  }

  has(id: string): boolean {
    if (this.#wholeIds !== null) return this.#wholeIds.current.has(id) || this.#wholeIds.previous.has(id);
    const hash = sampledHash(id);
    return (this.#previous?.find(id, hash) ?? false) || (this.#current?.find(id, hash) ?? false);
  }

  /** Remembers `id` (a no-op if it is remembered already). */
  add(id: string): void {
    this.admit(id);
  }

  /** The hot path's one call: remembers `id` and says true if it is new, false if it was seen recently. */
  admit(id: string): boolean {
    if (this.#wholeIds !== null) return this.#admitWhole(id);
    const hash = sampledHash(id);
    if (this.#previous !== null && this.#previous.find(id, hash)) return false;
    const current = (this.#current ??= new Generation(this.#capacity));
    if (current.find(id, hash)) return false;
    if (!current.insert(id, hash)) {
      // A character beyond Latin-1 (the platform's ids are ASCII): such ids are kept whole from now on.
      this.#switchToWholeIds();
      return this.#admitWhole(id);
    }
    this.#collisions += current.takeCollisions() + (this.#previous?.takeCollisions() ?? 0);
    if (current.count >= this.#capacity) {
      const reused = this.#previous;
      this.#previous = current;
      this.#current = reused === null ? null : reused.clear();
    }
    if (this.#collisions > maxCollisions) this.#switchToWholeIds();
    return true;
  }

  /** The newest `limit` ids, oldest first (what a session store keeps with the sequence). */
  newest(limit: number): string[] {
    if (this.#wholeIds !== null) {
      const ids = [...this.#wholeIds.previous, ...this.#wholeIds.current];
      return ids.slice(Math.max(0, ids.length - limit));
    }
    // Only the ids asked for are turned back into strings (a session save asks for 256 of up to 4,096, every second).
    const fromCurrent = Math.min(limit, this.#current?.count ?? 0);
    const fromPrevious = Math.min(limit - fromCurrent, this.#previous?.count ?? 0);
    return [...(this.#previous?.newest(fromPrevious) ?? []), ...(this.#current?.newest(fromCurrent) ?? [])];
  }

  /** How many ids are remembered (between `capacity` and 2 × `capacity` once that many were added). */
  get size(): number {
    if (this.#wholeIds !== null) return this.#wholeIds.current.size + this.#wholeIds.previous.size;
    return (this.#current?.count ?? 0) + (this.#previous?.count ?? 0);
  }

  /** Whether collisions made it switch to hashing whole ids (for tests and inspection). */
  get hashesWholeIds(): boolean {
    return this.#wholeIds !== null;
  }

  /** Inspection snapshots show the size, not thousands of ids. */
  toJSON(): { size: number } {
    return { size: this.size };
  }

  #admitWhole(id: string): boolean {
    const sets = this.#wholeIds as { current: Set<string>; previous: Set<string> };
    if (sets.current.has(id) || sets.previous.has(id)) return false;
    sets.current.add(id);
    if (sets.current.size >= this.#capacity) {
      sets.previous = sets.current;
      sets.current = new Set();
    }
    return true;
  }

  #switchToWholeIds(): void {
    this.#wholeIds = {
      previous: new Set(this.#previous?.newest(this.#previous.count) ?? []),
      current: new Set(this.#current?.newest(this.#current.count) ?? []),
    };
    this.#previous = null;
    this.#current = null;
  }
}

/** More than this many sampled-hash collisions between different ids and the set hashes whole ids instead. */
export const maxCollisions = 4_096;

/** Characters hashed from the end of an id, and from spread over the rest of it. */
const tailCharacters = 8;
const spreadCharacters = 4;

/** FNV-1a over the length, the last `tailCharacters` UTF-16 units and `spreadCharacters` spread over the rest. */
function sampledHash(id: string): number {
  const length = id.length;
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  const tail = Math.max(0, length - tailCharacters);
  for (let i = tail; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  if (tail > 0) {
    const step = Math.max(1, Math.floor(tail / spreadCharacters));
    for (let i = 0; i < tail; i += step) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  }
  return hash ^ (hash >>> 15);
}

/**
 * One generation: up to `capacity` ids, in insertion order. The ids' characters are copied into one
 * byte array instead of keeping the id strings: thousands of strings kept alive survive every
 * scavenge, and V8 grew the young generation of a busy client to ≈ 16 MB for them (scavenges of
 * 1–6 ms where the raw loop's take 0.2 ms). The arrays are allocated once and reused. Only ids of
 * Latin-1 characters fit (`insert` says false for others).
 */
class Generation {
  count = 0;
  /** Table slot → 1 + entry index (0: empty), with the entry's hash beside it. Load factor ≤ 1/2. */
  readonly #slots: Int32Array;
  readonly #hashes: Int32Array;
  readonly #mask: number;
  /** Entry index → end of its characters in `#chars` (an entry starts where the previous one ends). */
  readonly #ends: Int32Array;
  #chars: Uint8Array;
  #collisions = 0;

  constructor(capacity: number) {
    let size = 8;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#hashes = new Int32Array(size);
    this.#mask = size - 1;
    this.#ends = new Int32Array(capacity);
    // The platform's ids are 50–120 characters; the pool doubles when it is full.
    this.#chars = new Uint8Array(capacity * 64);
  }

  find(id: string, hash: number): boolean {
    const slots = this.#slots;
    const hashes = this.#hashes;
    for (let slot = hash & this.#mask; slots[slot] !== 0; slot = (slot + 1) & this.#mask) {
      if (hashes[slot] !== hash) continue;
      if (this.#holds((slots[slot] as number) - 1, id)) return true;
      this.#collisions += 1;
    }
    return false;
  }

  /** Adds `id`, or says false (and adds nothing) if it has a character beyond Latin-1. */
  insert(id: string, hash: number): boolean {
    const start = this.#start(this.count);
    const end = start + id.length;
    if (end > this.#chars.length) this.#grow(end);
    const chars = this.#chars;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      if (code > 0xff) return false;
      chars[start + i] = code;
    }
    let slot = hash & this.#mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#ends[this.count] = end;
    this.count += 1;
    this.#slots[slot] = this.count;
    this.#hashes[slot] = hash;
    return true;
  }

  /** Collisions counted since the last call. */
  takeCollisions(): number {
    const collisions = this.#collisions;
    this.#collisions = 0;
    return collisions;
  }

  /** Empties the generation for reuse: no allocation in steady state. */
  clear(): this {
    this.#slots.fill(0);
    this.count = 0;
    this.#collisions = 0;
    return this;
  }

  /** The newest `limit` ids, oldest first. */
  newest(limit: number): string[] {
    const ids: string[] = [];
    for (let entry = Math.max(0, this.count - limit); entry < this.count; entry++) ids.push(this.#idAt(entry));
    return ids;
  }

  #start(entry: number): number {
    return entry === 0 ? 0 : (this.#ends[entry - 1] as number);
  }

  #holds(entry: number, id: string): boolean {
    const start = this.#start(entry);
    if ((this.#ends[entry] as number) - start !== id.length) return false;
    const chars = this.#chars;
    for (let i = 0; i < id.length; i++) if (chars[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  #idAt(entry: number): string {
    // A few strings per id, not one per character; in slices, as apply() has a limit on arguments.
    const chars = this.#chars.subarray(this.#start(entry), this.#ends[entry]);
    let id = '';
    for (let at = 0; at < chars.length; at += 4_096) id += String.fromCharCode.apply(null, chars.subarray(at, at + 4_096) as unknown as number[]);
    return id;
  }

  #grow(atLeast: number): void {
    let length = this.#chars.length * 2;
    while (length < atLeast) length *= 2;
    const grown = new Uint8Array(length);
    grown.set(this.#chars.subarray(0, this.#start(this.count)));
    this.#chars = grown;
  }
}
