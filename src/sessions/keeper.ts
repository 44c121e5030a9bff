import type { ShardActorRef } from '../../machines/shard.machine.js';
import { QQBotError } from '../errors.js';
import { isStoredSession, storedRecentIds, type SessionStore, type StoredSession } from './store.js';

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
  /** What the store holds for each shard as far as we know: `sessionId:seq`, or '' for nothing. */
  readonly #written = new Map<number, string>();
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
            this.#written.set(shard, `${record.sessionId}:${record.seq}`);
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

  /** Writes every shard whose session or seq moved since the last write; deletes forgotten sessions. */
  async save(shardIds: Iterable<number> = this.#shards.keys()): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const shardId of shardIds) {
      const shard = this.#shards.get(shardId);
      if (shard) writes.push(this.#saveOne(shardId, shard));
    }
    await Promise.all(writes);
  }

  async #saveOne(shardId: number, shard: ShardActorRef): Promise<void> {
    const { context } = shard.getSnapshot();
    const seq = context.dispatches.seq;
    const key = context.sessionId !== null && seq !== null ? `${context.sessionId}:${seq}` : '';
    if (this.#written.get(shardId) === key) return;
    try {
      if (key === '') await this.#store.delete(shardId);
      else {
        await this.#store.set({
          shard: shardId,
          shardCount: context.settings.shardCount,
          sessionId: context.sessionId as string,
          seq: seq as number,
          recentIds: context.dispatches.recentIds(storedRecentIds),
          updatedAt: this.#now(),
        });
      }
      this.#written.set(shardId, key);
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
