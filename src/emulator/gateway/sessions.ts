/**
 * Gateway sessions: id, shard, intents, sequence counter and the replay buffer. A session outlives its socket,
 * so dispatches that happen during a disconnect are kept and replayed on resume (reference §4.4).
 */
import type { GatewayFrame } from '../../protocol/opcodes.js';
import { uuid } from '../ids.js';
import type { SessionRecord } from '../types.js';

export class SessionStore {
  /** Every session ever created, by id (the object exposed as `emu.sessions`). */
  readonly all = new Map<string, SessionRecord>();
  /** The session that receives dispatches for each shard id: the latest one created. */
  readonly #currentByShard = new Map<number, SessionRecord>();
  readonly #bufferSize: number;
  readonly #resumeWindowMs: number;
  readonly #now: () => number;

  constructor(bufferSize: number, resumeWindowMs = Number.POSITIVE_INFINITY, now: () => number = Date.now) {
    this.#bufferSize = bufferSize;
    this.#resumeWindowMs = resumeWindowMs;
    this.#now = now;
  }

  /**
   * A new session for `shard`. Earlier sessions of the same shard id stop receiving dispatches and can no
   * longer be resumed (the bot has started over on that shard).
   */
  create(shard: [number, number], intents: number, now: number): SessionRecord {
    const previous = this.#currentByShard.get(shard[0]);
    if (previous) previous.resumable = false;
    const session: SessionRecord = { sessionId: uuid(), shard, intents, seq: 0, buffer: [], resumable: true, createdAt: now };
    this.all.set(session.sessionId, session);
    this.#currentByShard.set(shard[0], session);
    return session;
  }

  get(sessionId: string): SessionRecord | undefined {
    const session = this.all.get(sessionId);
    if (session) this.#expireIfDetachedTooLong(session);
    return session;
  }

  currentForShard(shardId: number): SessionRecord | undefined {
    const session = this.#currentByShard.get(shardId);
    if (session) this.#expireIfDetachedTooLong(session);
    return session?.resumable ? session : undefined;
  }

  /** Current sessions, one per shard id. */
  current(): SessionRecord[] {
    return [...this.#currentByShard.values()].filter((session) => (this.#expireIfDetachedTooLong(session), session.resumable));
  }

  /** Its socket went away: the resume window starts. */
  detached(session: SessionRecord): void {
    session.detachedAt = this.#now();
  }

  attached(session: SessionRecord): void {
    delete session.detachedAt;
  }

  /** A session without a socket for longer than the resume window is gone, with what it buffered. */
  #expireIfDetachedTooLong(session: SessionRecord): void {
    if (session.resumable && session.detachedAt !== undefined && this.#now() - session.detachedAt > this.#resumeWindowMs) {
      session.resumable = false;
    }
  }

  /** Takes the next sequence number, builds the dispatch frame and keeps it for replay. */
  record(session: SessionRecord, type: string, id: string, data: unknown): GatewayFrame {
    session.seq += 1;
    const frame: GatewayFrame = { op: 0, s: session.seq, t: type, id, d: data };
    session.buffer.push({ s: session.seq, frame });
    if (session.buffer.length > this.#bufferSize) session.buffer.splice(0, session.buffer.length - this.#bufferSize);
    return frame;
  }

  /** Buffered dispatches after `seq`, oldest first. */
  after(session: SessionRecord, seq: number): GatewayFrame[] {
    return session.buffer.filter((entry) => entry.s > seq).map((entry) => entry.frame);
  }
}
