import { RecentIds } from './recent-ids.js';
import type { DispatchFrame, DispatchGate } from './shard.events.js';

/** Who hears of delivered (and dropped) dispatches: the bot, which turns them into events$. */
export interface DispatchListener {
  dispatch(dispatch: DispatchFrame): void;
  duplicate?(dispatch: DispatchFrame): void;
}

/**
 * A shard's sequence: the last `s` it has delivered, the event ids it has seen recently, and the
 * delivery of every dispatch, in wire order, exactly once. It sits in the shard machine's context
 * and the shard's socket calls it synchronously for each dispatch frame, so dispatches — the only
 * frames that come by the thousand — cost a function call, not a machine step. The machine keeps
 * every decision: it starts and forgets the sequence (READY, identify afresh), reads `seq` for
 * heartbeats and RESUME, and opens a gate per socket. Leaving the session closes that gate, so a
 * socket the machine has left cannot deliver anything, even if its frames are still in flight:
 * one socket per shard, by construction (docs/lifecycle.md, docs/benchmarks.md).
 */
export class DispatchSequencer {
  #seq: number | null = null;
  readonly #recentIds: RecentIds;
  /** Bumped whenever a session's socket is left: older gates deliver nothing. */
  #generation = 0;
  #listeners: DispatchListener[] = [];
  #delivered = 0;
  #duplicates = 0;

  constructor(recentIdCapacity?: number) {
    this.#recentIds = new RecentIds(recentIdCapacity);
  }

  /** The last sequence number delivered (or set by READY / RESUMED); null without a session. */
  get seq(): number | null {
    return this.#seq;
  }

  get delivered(): number {
    return this.#delivered;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  /** A gate for the socket about to open; it works until `closeGates()`. */
  gate(): DispatchGate {
    const generation = this.#generation;
    return { accept: (dispatch) => this.#accept(dispatch, generation) };
  }

  /** The machine left the session: whatever the old socket still reads is stale. */
  closeGates(): void {
    this.#generation += 1;
  }

  /** READY: a new session numbers its events from here. */
  startSession(seq: number | null): void {
    this.#seq = seq;
  }

  /** RESUMED may carry the session's current `s`. */
  resumedAt(seq: number | null): void {
    if (seq !== null) this.#seq = seq;
  }

  /**
   * A session stored by an earlier process (src/sessions/): its `s` and the ids it delivered last,
   * so the RESUME replay of what that process already delivered is dropped like any replay.
   */
  restore(seq: number, recentIds: readonly string[]): void {
    this.#seq = seq;
    for (const id of recentIds) this.#recentIds.add(id);
  }

  /** The newest delivered event ids, oldest first, for a session store. */
  recentIds(limit: number): string[] {
    return this.#recentIds.newest(limit);
  }

  /** The session is gone (identify afresh): there is no `s` to resume from. */
  forget(): void {
    this.#seq = null;
  }

  subscribe(listener: DispatchListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * A dispatch whose `s` is not above the last delivered is a resume replay of something already
   * delivered; an id seen recently is a platform redelivery: both are dropped.
   */
  #accept(dispatch: DispatchFrame, generation: number): void {
    if (generation !== this.#generation) return;
    const replayed = dispatch.seq !== null && this.#seq !== null && dispatch.seq <= this.#seq;
    // A replay is not remembered (its id is already, or it predates the set); a new frame's id is
    // looked up and remembered in one call.
    if (replayed || (dispatch.id !== null && !this.#recentIds.admit(dispatch.id))) {
      this.#duplicates += 1;
      for (const listener of this.#listeners) listener.duplicate?.(dispatch);
      return;
    }
    if (dispatch.seq !== null) this.#seq = dispatch.seq;
    this.#delivered += 1;
    for (const listener of this.#listeners) listener.dispatch(dispatch);
  }

  /** Inspection snapshots and logs show the numbers, not the ids or the listeners. */
  toJSON(): { seq: number | null; delivered: number; duplicates: number; recentIds: number } {
    return { seq: this.#seq, delivered: this.#delivered, duplicates: this.#duplicates, recentIds: this.#recentIds.size };
  }
}
