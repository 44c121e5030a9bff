import type { Subscriber } from 'rxjs';
import { Observable } from './rx.js';

/** One subscription: the types it wants (null: every type) and its subscriber. */
class Tap<E> {
  readonly #one: string | null;
  readonly #many: ReadonlySet<string> | null;
  readonly subscriber: Subscriber<E>;

  constructor(types: readonly string[] | null, subscriber: Subscriber<E>) {
    this.#one = types?.length === 1 ? (types[0] as string) : null;
    this.#many = types !== null && types.length > 1 ? new Set(types) : null;
    this.subscriber = subscriber;
  }

  wants(type: string): boolean {
    if (this.#one !== null) return type === this.#one;
    return this.#many === null || this.#many.has(type);
  }
}

/**
 * The bot's delivered events, from the shards to `events$` and every `on(...)` stream, with a Subject's
 * semantics: every subscriber, in the order they subscribed, gets each event synchronously; one who
 * subscribes during a delivery gets the next event, not that one; one who unsubscribes gets nothing
 * more; `complete()` completes every subscriber, and a later subscriber completes at once.
 *
 * Instead of a Subject piped through `filter` per `on()` stream: each event otherwise passed a Subject,
 * an operator subscriber and its predicate (a `Set` lookup that hashes the event's fresh `type` string)
 * before reaching the subscriber — ≈ 60 ns of the ≈ 4 µs a dispatch costs (bench/notes.md, issue 20).
 * Here a stream of one type compares the type once.
 */
export class EventRouter<E extends { type: string }> {
  /** Replaced, never mutated: a delivery walks the subscribers as they were when it began. */
  #taps: readonly Tap<E>[] = [];
  #completed = false;

  get completed(): boolean {
    return this.#completed;
  }

  /** The events of `types` (all of them with null), as a cold Observable over this router. */
  stream(types: readonly string[] | null): Observable<E> {
    return new Observable<E>((subscriber) => {
      if (this.#completed) {
        subscriber.complete();
        return undefined;
      }
      const tap = new Tap(types, subscriber);
      this.#taps = [...this.#taps, tap];
      return () => {
        this.#taps = this.#taps.filter((other) => other !== tap);
      };
    });
  }

  deliver(event: E): void {
    const taps = this.#taps;
    const type = event.type;
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i] as Tap<E>;
      if (tap.wants(type)) tap.subscriber.next(event);
    }
  }

  complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    const taps = this.#taps;
    this.#taps = [];
    for (const tap of taps) tap.subscriber.complete();
  }
}
