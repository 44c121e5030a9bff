import type { ShardActorRef } from '../../machines/shard.machine.js';
import { QQBotError } from '../errors.js';
import { isStoredSession, storedRecentIds, type SessionStore, type StoredSession } from './store.js';

/** A shard's record in the store: its session and seq, or both null for no record. */
interface Written {
  sessionId: string | null;
  seq: number | null;
}
const nothingWritten: Written = { sessionId: null, seq: null };

/** What the bot machine hands each shard it spawns: the stored session to RESUME, if any. */
export type StoredSessions = Record<number, StoredSession>;

/**
 * Between a bot's shards and its session store: loads the stored sessions before the shards start,
 * and writes what changed when the flush machine (machines/session-flush.machine.ts) says so. It reads
 * each shard's `sessionId` and its sequencer's `seq`; it never sits on the event path. A store that
 * fails is reported through `onError` and retried at the next flush; the shards carry on.
 */
export class SessionKeeper {
  readonly #store: SessionStore;
  readonly #onError: (error: QQBotError) => void;
  readonly #now: () => number;
  readonly #shards = new Map<number, ShardActorRef>();
  /** What the store holds for each shard as far as we know (absent: unknown, so written at the next save). */
  readonly #written = new Map<number, Written>();
  /** The store failed and has not succeeded since: report the next failure only after a success. */
  #failing = false;

  constructor(store: SessionStore, options: { onError: (error: QQBotError) => void; now?: () => number }) {
    this.#store = store;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
  }

  /** The stored sessions of `shardIds` that were identified with `shardCount` shards. */
  async load(shardIds: readonly number[], shardCount: number): Promise<StoredSessions> {
    const found: StoredSessions = {};
    await Promise.all(
      shardIds.map(async (shard) => {
        try {
          const record = await this.#store.get(shard);
          if (record && isStoredSession(record) && record.shard === shard && record.shardCount === shardCount) {
            found[shard] = record;
            this.#written.set(shard, { sessionId: record.sessionId, seq: record.seq });
          }
        } catch (error) {
          this.#failed(storeError('read', shard, error));
        }
      }),
    );
    return found;
  }

  track(shard: ShardActorRef): void {
    this.#shards.set(shard.getSnapshot().context.shardId, shard);
  }

  /** Stops tracking a shard this process no longer runs (its record stays for the next owner). */
  untrack(shardId: number): void {
    this.#shards.delete(shardId);
    this.#written.delete(shardId);
  }

  /** After the store lost its data (a restarted Redis), write everything again. */
  forgetWritten(): void {
    this.#written.clear();
  }

  /**
   * Writes every shard whose session or seq moved since the last write; deletes forgotten sessions. Called every
   * flush interval and at each READY/RESUMED: a shard that did not move costs a comparison, no promise and no string.
   */
  async save(shardIds: Iterable<number> = this.#shards.keys()): Promise<void> {
    let writes: Promise<void>[] | null = null;
    for (const shardId of shardIds) {
      const shard = this.#shards.get(shardId);
      if (!shard) continue;
      const { context } = shard.getSnapshot();
      const seq = context.dispatches.seq;
      const sessionId = seq === null ? null : context.sessionId;
      const written = this.#written.get(shardId);
      if (written && written.sessionId === sessionId && written.seq === (sessionId === null ? null : seq)) continue;
      (writes ??= []).push(this.#saveOne(shardId, shard));
    }
    if (writes) await Promise.all(writes);
  }

  async #saveOne(shardId: number, shard: ShardActorRef): Promise<void> {
    const { context } = shard.getSnapshot();
    const seq = context.dispatches.seq;
    const written: Written = context.sessionId !== null && seq !== null ? { sessionId: context.sessionId, seq } : nothingWritten;
    try {
      if (written.sessionId === null) await this.#store.delete(shardId);
      else {
        await this.#store.set({
          shard: shardId,
          shardCount: context.settings.shardCount,
          sessionId: written.sessionId,
          seq: written.seq as number,
          recentIds: context.dispatches.recentIds(storedRecentIds),
          updatedAt: this.#now(),
        });
      }
      this.#written.set(shardId, written);
      this.#failing = false;
    } catch (error) {
      this.#written.delete(shardId);
      this.#failed(storeError('write', shardId, error));
    }
  }

  /** One report per outage: a store that is down fails every flush of every shard. */
  #failed(error: QQBotError): void {
    if (this.#failing) return;
    this.#failing = true;
    this.#onError(error);
  }
}

function storeError(action: 'read' | 'write', shard: number, error: unknown): QQBotError {
  const why = error instanceof Error ? error.message : String(error);
  return new QQBotError('SESSION_STORE', `The session store failed to ${action} shard ${shard}'s session: ${why}`, { cause: error, shard });
}
