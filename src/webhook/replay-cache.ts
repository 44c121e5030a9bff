/**
 * A bounded memory of recently accepted deliveries, so a platform retry (our ACK got lost) or a
 * replayed request inside the freshness window is acknowledged but dispatched only once.
 *
 * Keys are the envelope `id` and, for events with a `d.id` (messages, interactions), `t/d.id`:
 * the docs warn that the same `msg_id` may be pushed twice (reference §8.4, [DOCS] event.md).
 * Eviction is oldest-first once `capacity` keys are held. Mutable on purpose (it sits in the
 * webhook machine's context and is touched on every delivery); inspection sees only its size.
 */
export class ReplayCache {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`replay cache capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** True when any of `keys` was seen. */
  seen(keys: readonly string[]): boolean {
    return keys.some((key) => this.#keys.has(key));
  }

  /** Remembers `keys`, evicting the oldest beyond capacity. */
  remember(keys: readonly string[]): void {
    for (const key of keys) {
      this.#keys.delete(key);
      this.#keys.add(key);
    }
    while (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest === undefined) break;
      this.#keys.delete(oldest);
    }
  }

  get size(): number {
    return this.#keys.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  toJSON(): { size: number; capacity: number } {
    return { size: this.#keys.size, capacity: this.#capacity };
  }
}

/**
 * The dedupe keys of a dispatch: its envelope `id`, and `t/d.id` when `d.id` is a string.
 * Empty when the delivery carries neither (it is then dispatched every time).
 */
export function dedupeKeys(eventType: string, id: string | null, data: unknown): string[] {
  const keys: string[] = [];
  if (id !== null && id !== '') keys.push(`id:${id}`);
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const inner = (data as Record<string, unknown>).id;
    if (typeof inner === 'string' && inner !== '') keys.push(`d:${eventType}/${inner}`);
  }
  return keys;
}
