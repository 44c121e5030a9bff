/**
 * A bounded set of recently seen event ids, for dropping redeliveries of events that carry no `s`
 * (webhook-style frames, platform double pushes). Mutable on purpose: it sits in a machine's context
 * and is touched for every dispatch, so copying it would cost O(n) per event.
 */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 2_048) {
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  get size(): number {
    return this.#ids.size;
  }

  /** Inspection snapshots show the size, not thousands of ids. */
  toJSON(): { size: number } {
    return { size: this.#ids.size };
  }
}
