import type { LoadedSession } from '../../machines/bot.machine.js';
import type { ShardLeases } from '../coordination.js';
import { QQBotError } from '../errors.js';
import type { SessionKeeper } from '../sessions/keeper.js';

/** What the lease keeper needs of the bot. */
export interface LeasedBot {
  /** The shards this process may run and the shard count, once the gateway is known. */
  shards(): { candidates: number[]; total: number } | null;
  add(shardId: number, storedSession: LoadedSession | null): void;
  remove(shardId: number): void;
}

/**
 * Between a bot and its shard leases (src/coordination.ts): each round (machines/shard-lease.machine.ts)
 * it starts the shards the process claimed — RESUMEing their stored sessions — stops the ones it lost,
 * and hands over its surplus: stop the shard, store its session, and only then release the lease, so
 * the next owner reads the last seq. An unreachable coordinator changes nothing that runs: shards
 * keep running on the leases they hold, claims wait; it is reported once, and its return too.
 */
export class LeaseKeeper {
  readonly #leases: ShardLeases;
  readonly #bot: LeasedBot;
  readonly #sessions: SessionKeeper;
  readonly #onUnavailable: (error: QQBotError) => void;
  readonly #onAvailable: () => void;
  readonly #held = new Set<number>();
  readonly #handingOver = new Set<number>();
  #unavailable = false;

  constructor(
    leases: ShardLeases,
    parts: { bot: LeasedBot; sessions: SessionKeeper; onUnavailable: (error: QQBotError) => void; onAvailable: () => void },
  ) {
    this.#leases = leases;
    this.#bot = parts.bot;
    this.#sessions = parts.sessions;
    this.#onUnavailable = parts.onUnavailable;
    this.#onAvailable = parts.onAvailable;
  }

  get held(): number[] {
    return [...this.#held].sort((a, b) => a - b);
  }

  async round(): Promise<void> {
    const shards = this.#bot.shards();
    if (!shards) return;
    let round;
    try {
      round = await this.#leases.round({ held: this.held, candidates: shards.candidates, total: shards.total });
    } catch (error) {
      this.#markUnavailable(error);
      return;
    }
    this.#markAvailable();
    // The leases vanished with Redis's data, and the stored sessions with them: write them again.
    if (round.reasserted.length > 0) this.#sessions.forgetWritten();
    for (const shardId of round.lost) {
      // Another process runs it now and owns its session record: stop without storing.
      this.#held.delete(shardId);
      this.#sessions.untrack(shardId);
      this.#bot.remove(shardId);
    }
    for (const shardId of round.surplus) {
      if (this.#handingOver.has(shardId)) continue;
      this.#handingOver.add(shardId);
      this.#bot.remove(shardId);
    }
    for (const shardId of round.claimed) {
      this.#held.add(shardId);
      const stored = await this.#sessions.load([shardId], shards.total);
      const session = stored[shardId];
      this.#bot.add(shardId, session ? { sessionId: session.sessionId, seq: session.seq, recentIds: session.recentIds } : null);
    }
  }

  /** A shard given back has closed its socket: store its session, then release its lease. */
  async shardReleased(shardId: number): Promise<void> {
    if (!this.#handingOver.delete(shardId)) return;
    await this.#sessions.save([shardId]);
    this.#sessions.untrack(shardId);
    this.#held.delete(shardId);
    try {
      await this.#leases.release(shardId);
    } catch (error) {
      // It lapses by itself within the lease time.
      this.#markUnavailable(error);
    }
  }

  /** Graceful stop: the shards have stopped and their sessions are stored; give every lease back. */
  async leave(): Promise<void> {
    try {
      await this.#leases.leave(this.held);
    } catch (error) {
      this.#markUnavailable(error);
    }
    this.#held.clear();
  }

  #markUnavailable(cause: unknown): void {
    if (this.#unavailable) return;
    this.#unavailable = true;
    this.#onUnavailable(
      new QQBotError(
        'COORDINATION',
        `Shard leases are unavailable (${cause instanceof Error ? cause.message : String(cause)}); running shards carry on, claims wait`,
        { cause },
      ),
    );
  }

  #markAvailable(): void {
    if (!this.#unavailable) return;
    this.#unavailable = false;
    this.#onAvailable();
  }
}
