/**
 * One WebSocket connection to the emulated gateway: Hello, then Identify or Resume, then heartbeats, with the
 * close codes of reference §5.1 for every protocol violation. A malformed frame never throws; it closes the socket
 * with 4001/4002/4003 instead.
 */
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { intentForEvent, intentTable } from '../../protocol/intents.js';
import { OpCode, type GatewayFrame } from '../../protocol/opcodes.js';
import type { Authorizer } from '../auth.js';
import type { Observer } from '../observer.js';
import type { SessionStartLimit } from '../session-limit.js';
import type { ConnectionRecord, EmulatorStats, SessionRecord } from '../types.js';
import type { SessionStore } from './sessions.js';

/** Gateway-wide settings and switches every connection reads. */
export interface GatewayContext {
  now(): number;
  observer: Observer;
  stats: EmulatorStats;
  authorize: Authorizer;
  limit: SessionStartLimit;
  sessions: SessionStore;
  heartbeatInterval: number;
  heartbeatAckDelayMs: number;
  configuredShards: number;
  entitledIntents: number;
  botUser: { id: string; username: string };
  log(line: string): void;
  /** Fault switches (hold Hello, hold READY/RESUMED, stop ACKs for everyone). */
  flags: { helloHeld: boolean; readyHeld: boolean; acksSuspended: boolean };
  /** The live connection attached to a session, if any. */
  connectionFor(session: SessionRecord): GatewayConnection | undefined;
}

type Phase = 'connected' | 'identifying' | 'ready' | 'closed';

const KNOWN_OPS = new Set<number>(Object.values(OpCode));

/** Close codes and reasons the emulator uses (reference §5.1; 4003/4004/4005 from botgo; 4902/4903 field). */
export const Close = {
  invalidOpcode: [4001, 'invalid opcode'],
  invalidPayload: [4002, 'invalid payload'],
  notAuthenticated: [4003, 'not authenticated'],
  invalidToken: [4004, 'invalid token'],
  alreadyAuthenticated: [4005, 'already authenticated'],
  invalidSession: [4006, 'session id invalid'],
  invalidSeq: [4007, 'invalid seq'],
  rateLimited: [4008, 'rate limited'],
  invalidShard: [4010, 'invalid shard'],
  shardingRequired: [4011, 'too many guilds, shard properly'],
  invalidIntent: [4013, 'invalid intent'],
  resetByResume: [4902, 'reset by resume'],
  createSessionError: [4903, 'create session error'],
} as const satisfies Record<string, readonly [number, string]>;

export class GatewayConnection {
  readonly record: ConnectionRecord;
  session: SessionRecord | undefined;
  /** ACKs stopped for this connection only. */
  acksSuspended = false;
  /** Half-open: the emulator sends nothing and ignores everything the client sends. */
  zombie = false;
  #phase: Phase = 'connected';
  #helloSent = false;
  /** READY or RESUMED waiting for `releaseReady()`. */
  #pendingCompletion: (() => void) | undefined;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #ctx: GatewayContext;
  /** Resolves when the underlying socket has closed, however it closed. */
  readonly socketClosed: Promise<void>;

  /** @internal Built by the emulator's gateway; kept out of the published types, which must not need `@types/ws`. */
  constructor(id: number, ws: WebSocket, socket: Duplex, ctx: GatewayContext) {
    this.socketClosed = new Promise((resolve) => ws.once('close', () => resolve()));
    this.#ws = ws;
    this.#socket = socket;
    this.#ctx = ctx;
    this.record = { id, received: [], sent: [], invalidFrames: [], heartbeats: [], openedAt: ctx.now() };
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
    // ws reports protocol-level errors (bad UTF-8, oversized frames) here and closes by itself; never crash.
    ws.on('error', (error) => ctx.log(`gateway: connection ${id} socket error: ${error.message}`));
  }

  get live(): boolean {
    return this.#phase !== 'closed';
  }

  get helloSent(): boolean {
    return this.#helloSent;
  }

  get awaitingRelease(): boolean {
    return this.#pendingCompletion !== undefined;
  }

  sendHello(): void {
    if (this.#helloSent || !this.live) return;
    this.#helloSent = true;
    this.send({ op: OpCode.Hello, d: { heartbeat_interval: this.#ctx.heartbeatInterval } });
  }

  /** Sends a frame unless the connection is closed or zombied. True when it went out. */
  send(frame: GatewayFrame): boolean {
    if (!this.live || this.zombie || this.#ws.readyState !== this.#ws.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    this.record.sent.push(frame);
    this.#ctx.observer.changed();
    return true;
  }

  /** Fault injection: any bytes, as a text or binary frame. Not recorded in `sent`. */
  sendRaw(data: string | Buffer, binary: boolean): void {
    if (!this.live || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(data, { binary });
  }

  /** Sends a close frame with `code`; the session (if any) is detached at once and can be resumed. */
  closeWith(code: number, reason: string): void {
    if (!this.live) return;
    this.#finish({ code, reason, by: 'server' });
    this.#ws.close(code, reason);
  }

  /** Cuts TCP without a close frame; the client sees 1006. */
  drop(): void {
    if (!this.live) return;
    this.#finish({ code: 1006, reason: '', by: 'drop' });
    this.#socket.destroy();
  }

  /** Emulator shutdown: close frame 1001, then the socket is terminated by the caller. */
  shutdown(): void {
    this.closeWith(1001, 'emulator shutting down');
  }

  terminate(): void {
    this.#ws.terminate();
  }

  /** Sends the READY/RESUMED that `holdReady()` kept back. */
  releasePending(): void {
    const pending = this.#pendingCompletion;
    this.#pendingCompletion = undefined;
    if (pending && this.live) pending();
  }

  #finish(closed: NonNullable<ConnectionRecord['closed']>): void {
    this.#phase = 'closed';
    this.#pendingCompletion = undefined;
    this.record.closed = closed;
    if (this.session?.connectionId === this.record.id) {
      delete this.session.connectionId;
      this.#ctx.sessions.detached(this.session);
    }
    this.#ctx.log(`gateway: connection ${this.record.id} closed by ${closed.by} (${closed.code}${closed.reason ? ` ${closed.reason}` : ''})`);
    this.#ctx.observer.changed();
  }

  #onClose(code: number, reason: string): void {
    if (this.live) this.#finish({ code, reason, by: 'client' });
  }

  #onMessage(data: RawData, _isBinary: boolean): void {
    if (!this.live || this.zombie) return;
    // Binary frames are decoded as UTF-8 JSON too: lenient, and the docs do not say binary is refused.
    const text = rawToBuffer(data).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.record.invalidFrames.push(text);
      this.#ctx.observer.changed();
      this.closeWith(...Close.invalidPayload);
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Number.isInteger((parsed as GatewayFrame).op)) {
      this.record.invalidFrames.push(text);
      this.#ctx.observer.changed();
      this.closeWith(...Close.invalidPayload);
      return;
    }
    const frame = parsed as GatewayFrame;
    this.record.received.push(frame);
    this.#ctx.observer.changed();
    this.#onFrame(frame);
  }

  #onFrame(frame: GatewayFrame): void {
    switch (frame.op) {
      case OpCode.Heartbeat:
        this.#onHeartbeat(frame);
        return;
      case OpCode.Identify:
        this.#ctx.stats.identifies += 1;
        if (this.#phase !== 'connected') return this.closeWith(...Close.alreadyAuthenticated);
        this.#onIdentify(frame.d);
        return;
      case OpCode.Resume:
        this.#ctx.stats.resumes += 1;
        if (this.#phase !== 'connected') return this.closeWith(...Close.alreadyAuthenticated);
        this.#onResume(frame.d);
        return;
      default:
        if (KNOWN_OPS.has(frame.op) && this.#phase === 'connected') return this.closeWith(...Close.notAuthenticated);
        this.closeWith(...Close.invalidOpcode);
    }
  }

  #onHeartbeat(frame: GatewayFrame): void {
    this.#ctx.stats.heartbeats += 1;
    // satori sends the seq in `s` instead of `d` (reference §7); keep whichever the client used.
    this.record.heartbeats.push(frame.d === undefined && frame.s !== undefined ? frame.s : frame.d);
    this.#ctx.observer.changed();
    if (this.acksSuspended || this.#ctx.flags.acksSuspended) return;
    if (this.#ctx.heartbeatAckDelayMs > 0) setTimeout(() => this.send({ op: OpCode.HeartbeatAck }), this.#ctx.heartbeatAckDelayMs).unref();
    else this.send({ op: OpCode.HeartbeatAck });
  }

  #checkToken(token: unknown): boolean {
    const auth = this.#ctx.authorize(typeof token === 'string' ? token : undefined);
    if (auth.ok) return true;
    this.closeWith(...Close.invalidToken);
    return false;
  }

  #onIdentify(d: unknown): void {
    if (!isObject(d)) return this.closeWith(...Close.invalidPayload);
    if (!this.#checkToken(d.token)) return;
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents > 0xffffffff) {
      return this.closeWith(...Close.invalidIntent);
    }
    if ((intents & ~this.#ctx.entitledIntents) >>> 0 !== 0) return this.#refuseSession('intents not entitled');
    // A missing shard means "not sharding" ([0, 1], reference §3.3).
    const shard = d.shard === undefined ? [0, 1] : d.shard;
    if (!isShard(shard)) return this.closeWith(...Close.invalidShard);
    if (shard[1] < this.#ctx.configuredShards) return this.closeWith(...Close.shardingRequired);
    const verdict = this.#ctx.limit.tryStart(shard[0]);
    if (verdict === 'rate-limited') return this.closeWith(...Close.rateLimited);
    if (verdict === 'exhausted') return this.#refuseSession('session start limit exhausted');
    this.#phase = 'identifying';
    this.#completeWhenReleased(() => this.#sendReady([shard[0], shard[1]], intents));
  }

  /** op 9 `d: false`, then close 4903: what the field saw for a refused session (reference §4.6). */
  #refuseSession(why: string): void {
    this.#ctx.log(`gateway: connection ${this.record.id} identify refused: ${why}`);
    this.send({ op: OpCode.InvalidSession, d: false });
    this.closeWith(...Close.createSessionError);
  }

  #sendReady(shard: [number, number], intents: number): void {
    const session = this.#ctx.sessions.create(shard, intents, this.#ctx.now());
    this.#attach(session);
    session.seq = 1;
    this.send({
      op: OpCode.Dispatch,
      s: 1,
      t: 'READY',
      d: { version: 1, session_id: session.sessionId, user: { id: this.#ctx.botUser.id, username: this.#ctx.botUser.username, bot: true }, shard },
    });
    this.#ctx.log(`gateway: connection ${this.record.id} READY shard [${shard.join(',')}]`);
  }

  #onResume(d: unknown): void {
    if (!isObject(d)) return this.closeWith(...Close.invalidPayload);
    if (!this.#checkToken(d.token)) return;
    const { session_id: sessionId, seq } = d;
    if (typeof sessionId !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) {
      return this.closeWith(...Close.invalidPayload);
    }
    const session = this.#ctx.sessions.get(sessionId);
    if (!session || !session.resumable) return this.closeWith(...Close.invalidSession);
    if (seq > session.seq) return this.closeWith(...Close.invalidSeq);
    this.#phase = 'identifying';
    this.#completeWhenReleased(() => this.#sendResumed(session, seq));
  }

  #sendResumed(session: SessionRecord, seq: number): void {
    // Only one live socket per session: a socket still attached is replaced.
    const previous = this.#ctx.connectionFor(session);
    if (previous && previous !== this) previous.closeWith(...Close.resetByResume);
    if (!session.resumable) return this.closeWith(...Close.invalidSession);
    this.#attach(session);
    for (const frame of this.#ctx.sessions.after(session, seq)) this.send(frame);
    session.seq += 1;
    this.send({ op: OpCode.Dispatch, s: session.seq, t: 'RESUMED', d: '' });
    this.#ctx.log(`gateway: connection ${this.record.id} RESUMED from seq ${seq}`);
  }

  #attach(session: SessionRecord): void {
    this.session = session;
    session.connectionId = this.record.id;
    this.#ctx.sessions.attached(session);
    this.record.sessionId = session.sessionId;
    this.record.shardId = session.shard[0];
    this.#phase = 'ready';
  }

  #completeWhenReleased(complete: () => void): void {
    if (this.#ctx.flags.readyHeld) this.#pendingCompletion = complete;
    else complete();
  }

  /** True when this connection is attached, past READY/RESUMED, and the session takes events of `type`. */
  accepts(type: string): boolean {
    if (this.#phase !== 'ready' || !this.session) return false;
    return sessionAccepts(this.session, type);
  }
}

/** Intents filter: events whose intent the session did not request are not delivered; unknown types always are. */
export function sessionAccepts(session: SessionRecord, type: string): boolean {
  const intent = intentForEvent(type);
  return intent === undefined || (session.intents & intentTable[intent].bit) !== 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isShard(value: unknown): value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [id, total] = value as unknown[];
  return Number.isInteger(id) && Number.isInteger(total) && (total as number) >= 1 && (id as number) >= 0 && (id as number) < (total as number);
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
