/**
 * A bounded set of recently seen event ids, for dropping redeliveries of events that carry no `s`
 * (webhook-style frames, platform double pushes). Mutable on purpose: it sits in a machine's context
 * and is touched for every dispatch, so copying it would cost O(n) per event.
 *
 * Two generations: ids go into `current`; when it holds `capacity` ids it becomes `previous` and the
 * old `previous` is dropped. The last `capacity` ids are always remembered (up to 2 × capacity are),
 * and no add pays for an eviction: deleting the oldest id on every add, as this class used to, cost
 * more than the lookup itself and was the largest single item of the dispatch hot path (docs/benchmarks.md).
 */
export class RecentIds {
  // Null until the generation's first id: an idle shard's set costs no hash tables (issue 20: a thousand idle shards).
  #current: Set<string> | null = null;
  #previous: Set<string> | null = null;
  readonly #capacity: number;

  constructor(capacity = 2_048) {
    this.#capacity = Math.max(1, capacity);
  }

  has(id: string): boolean {
    return (this.#current?.has(id) ?? false) || (this.#previous?.has(id) ?? false);
  }

  add(id: string): void {
    if (this.#current?.has(id)) return;
    // Kept in one generation only, so that `size` counts it once.
    this.#previous?.delete(id);
    this.#remember(id);
  }

  /** The newest `limit` ids, oldest first (what a session store keeps with the sequence). */
  newest(limit: number): string[] {
    const current = [...(this.#current ?? [])];
    if (current.length >= limit) return current.slice(current.length - limit);
    const previous = [...(this.#previous ?? [])];
    return [...previous.slice(Math.max(0, previous.length - (limit - current.length))), ...current];
  }

  /**
   * The hot path's one call: remembers `id` and says true if it is new, false if it was seen recently.
   * Three hash probes instead of the five of `has()` then `add()` (an id found in neither generation
   * needs no delete); the id string caches its hash after the first.
   */
  admit(id: string): boolean {
    if (this.#current?.has(id) || this.#previous?.has(id)) return false;
    this.#remember(id);
    return true;
  }

  /** Adds an id found in neither generation; a full current generation becomes the previous one. */
  #remember(id: string): void {
    const current = (this.#current ??= new Set());
    current.add(id);
    if (current.size >= this.#capacity) {
      this.#previous = current;
      this.#current = null;
    }
  }

  /** How many ids are remembered (between `capacity` and 2 × `capacity` once that many were added). */
  get size(): number {
    return (this.#current?.size ?? 0) + (this.#previous?.size ?? 0);
  }

  /** Inspection snapshots show the size, not thousands of ids. */
  toJSON(): { size: number } {
    return { size: this.size };
  }
}
