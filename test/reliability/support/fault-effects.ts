/**
 * Did each injected fault take effect? A fault counts only when both sides saw it:
 * - the emulator saw the connection end the way the fault ends it (its close code, a cut socket, or
 *   the client closing it after op 7 / op 9 / a zombie);
 * - the bot reported that disconnect with the matching cause (close code, op 7, op 9, zombie);
 * - the shard came back the way the fault calls for: RESUME after a resumable fault, IDENTIFY after
 *   a kill, a fresh token after a revocation; a handshake fault hit the handshake it waited for;
 * - token endpoint failures: every one queued was answered to a token request of the bot.
 * The chaos run fails when any fault is still without effect at the end, naming it and its time.
 */
import type { ConnectionRecord, Emulator } from '../../../src/emulator/index.js';
import { TOKEN_PATH } from '../../../src/emulator/token-endpoint.js';
import { OpCode } from '../../../src/protocol/opcodes.js';
import type { DisconnectCause, ReconnectPlan } from '../../../machines/reconnect-policy.js';
import { describeFault, type PlannedFault } from './fault-plan.js';

export interface ShardDisconnect {
  shard: number;
  /** Simulated ms. */
  at: number;
  cause: DisconnectCause;
  plan: ReconnectPlan;
  hadSession: boolean;
}

export interface FaultRecord {
  fault: PlannedFault;
  /** Simulated ms of the injection. */
  injectedAt: number;
  /** Emulator clock at the injection (token issue times are on it). */
  injectedAtEmu: number;
  connection: number;
  /** Disconnects reported before the injection (the fault's is the shard's next one). */
  disconnectsBefore: number;
  tokenFailuresLeft: number;
  /** The connection a handshake fault hit, and when. */
  tapConnection: number | null;
  tapAt: number | null;
  /** What was seen, once everything the fault should cause was seen. */
  effect: { at: number; seen: string } | null;
  /** What is still missing while `effect` is null. */
  waitingFor: string;
}

interface Expectation {
  /** How the emulator sees the connection end. */
  ends: (closed: NonNullable<ConnectionRecord['closed']>) => boolean;
  endsText: string;
  /** The cause the bot must report. */
  cause: (cause: DisconnectCause) => boolean;
  causeText: string;
  /** What the shard must send on its next connection. */
  then: 'resume' | 'identify';
}

const byServer = (code: number) => (closed: NonNullable<ConnectionRecord['closed']>) => closed.by === 'server' && closed.code === code;
const byClient = (closed: NonNullable<ConnectionRecord['closed']>) => closed.by === 'client';
const closeCause = (code: number) => (cause: DisconnectCause) => cause.kind === 'close' && cause.code === code;

function expectationFor(fault: PlannedFault): Expectation {
  const server = (code: number, then: 'resume' | 'identify'): Expectation => ({
    ends: byServer(code),
    endsText: `closed by the emulator with ${code}`,
    cause: closeCause(code),
    causeText: `close ${code}`,
    then,
  });
  const drop: Expectation = {
    ends: (closed) => closed.by === 'drop',
    endsText: 'cut (TCP destroyed)',
    cause: closeCause(1006),
    causeText: 'close 1006',
    then: 'resume',
  };
  const op7: Expectation = { ends: byClient, endsText: 'closed by the bot', cause: (c) => c.kind === 'reconnect-requested', causeText: 'op 7', then: 'resume' };
  const op9 = (resumable: boolean): Expectation => ({
    ends: byClient,
    endsText: 'closed by the bot',
    cause: (c) => c.kind === 'invalid-session' && c.resumable === resumable,
    causeText: `op 9 d=${resumable}`,
    then: resumable ? 'resume' : 'identify',
  });
  const zombie: Expectation = { ends: byClient, endsText: 'closed by the bot', cause: (c) => c.kind === 'zombie', causeText: 'a zombie (no heartbeat ACK)', then: 'resume' };
  switch (fault.kind) {
    case 'close-4009':
      return server(4009, 'resume');
    case 'close-resumable':
      return server(fault.code!, 'resume');
    case 'close-4008':
      return server(4008, 'resume');
    case 'close-identify':
      return server(fault.code!, 'identify');
    case 'token-revoked-4004':
      return server(4004, 'resume');
    case 'drop':
      return drop;
    case 'op7':
      return op7;
    case 'op9-resumable':
      return op9(true);
    case 'op9-not-resumable':
      return op9(false);
    case 'zombie':
    case 'acks-suspended':
      return zombie;
    case 'mid-resume':
      return fault.how === 'drop' ? drop : fault.how === 'op7' ? op7 : server(4009, 'resume');
    case 'mid-identify':
      return op9(false);
    case 'token-endpoint':
      throw new Error('token-endpoint faults have no connection');
  }
}

function describeCause(cause: DisconnectCause): string {
  if (cause.kind === 'close') return `close ${cause.code}`;
  if (cause.kind === 'invalid-session') return `op 9 d=${cause.resumable}`;
  if (cause.kind === 'timeout') return `timeout (${cause.waitingFor})`;
  return cause.kind;
}

export class FaultEffects {
  readonly records: FaultRecord[] = [];
  #pending: FaultRecord[] = [];
  readonly #tokenQueue: Array<{ record: FaultRecord; left: number }> = [];
  #tokenRequestsSeen = 0;
  #requestCursor = 0;

  constructor(
    readonly emu: Emulator,
    readonly disconnects: readonly ShardDisconnect[],
    readonly now: () => number,
  ) {}

  /** Call just before injecting `fault` on `connection`. */
  injected(fault: PlannedFault, connection: ConnectionRecord): FaultRecord {
    this.#consumeTokenRequests();
    const record: FaultRecord = {
      fault,
      injectedAt: this.now(),
      injectedAtEmu: this.emu.now(),
      connection: connection.id,
      disconnectsBefore: this.disconnects.length,
      tokenFailuresLeft: 0,
      tapConnection: null,
      tapAt: null,
      effect: null,
      waitingFor: 'a first check',
    };
    this.records.push(record);
    this.#pending.push(record);
    return record;
  }

  /** The next `count` token requests fail for this fault (the emulator's queue is first in, first out). */
  queueTokenFailures(record: FaultRecord, count: number): void {
    record.tokenFailuresLeft += count;
    this.#tokenQueue.push({ record, left: count });
  }

  tapHit(record: FaultRecord, connection: number, at: number): void {
    record.tapConnection = connection;
    record.tapAt = at;
  }

  /** Re-evaluates the faults still without effect. */
  check(): void {
    this.#consumeTokenRequests();
    this.#pending = this.#pending.filter((record) => {
      const missing = this.#missing(record);
      if (missing === null) return false;
      record.waitingFor = missing;
      return true;
    });
  }

  get pending(): readonly FaultRecord[] {
    return this.#pending;
  }

  /** One line per fault without effect: kind, shard, injection time and what never happened. */
  problems(): string[] {
    return this.#pending.map(
      (record) => `fault ${describeFault(record.fault)} injected at ${(record.injectedAt / 1000).toFixed(0)} s had no effect: no ${record.waitingFor}`,
    );
  }

  /** Token requests since the last look each use up one queued failure. */
  #consumeTokenRequests(): void {
    const requests = this.emu.requests;
    for (; this.#requestCursor < requests.length; this.#requestCursor++) {
      if (requests[this.#requestCursor]!.path !== TOKEN_PATH) continue;
      this.#tokenRequestsSeen += 1;
      const head = this.#tokenQueue[0];
      if (!head) continue;
      head.left -= 1;
      head.record.tokenFailuresLeft -= 1;
      if (head.left === 0) this.#tokenQueue.shift();
    }
  }

  /** What the fault has not caused yet, or null when it took effect (and `effect` is filled in). */
  #missing(record: FaultRecord): string | null {
    const { fault } = record;
    const seen: string[] = [];
    if (fault.kind === 'token-endpoint') {
      if (record.tokenFailuresLeft > 0) return `use of ${record.tokenFailuresLeft} of ${fault.tokenFailures!.count} token endpoint failures`;
      const t = fault.tokenFailures!;
      record.effect = { at: this.now(), seen: `${t.count} token requests answered with ${t.kind}${t.kind === 'slow' ? ` (${t.delayMs} ms)` : ''}` };
      return null;
    }
    const expect = expectationFor(fault);
    const connection = this.emu.connections.find((c) => c.id === record.connection);
    if (!connection?.closed) return `end of connection ${record.connection} (${expect.endsText})`;
    if (!expect.ends(connection.closed)) return `end of connection ${record.connection} ${expect.endsText} (it was ${connection.closed.by} ${connection.closed.code})`;
    seen.push(`connection ${record.connection} ${expect.endsText}`);
    const disconnect = this.disconnects.slice(record.disconnectsBefore).find((d) => d.shard === fault.shard);
    if (!disconnect) return `disconnect reported by shard ${fault.shard}`;
    if (!expect.cause(disconnect.cause)) return `${expect.causeText} seen by the bot (it saw ${describeCause(disconnect.cause)})`;
    seen.push(`bot saw ${expect.causeText}`);
    let after = record.connection;
    if (fault.variant !== undefined) {
      if (record.tapConnection === null) return `${fault.kind === 'mid-resume' ? 'RESUME' : 'IDENTIFY'} for the handshake fault to hit`;
      const tapped = this.emu.connections.find((c) => c.id === record.tapConnection);
      if (!tapped?.closed) return `end of the handshake connection ${record.tapConnection} (${fault.variant})`;
      seen.push(`${fault.variant} hit connection ${record.tapConnection}'s handshake`);
      after = record.tapConnection;
    }
    const next = this.#nextHandshake(fault.shard, after);
    if (!next) return `${expect.then.toUpperCase()} from shard ${fault.shard} after connection ${after}`;
    if (next.op !== expect.then) return `${expect.then.toUpperCase()} from shard ${fault.shard} (it sent ${next.op.toUpperCase()} on connection ${next.connection})`;
    seen.push(`${expect.then} on connection ${next.connection}`);
    if (fault.kind === 'token-revoked-4004') {
      if (!this.emu.tokens.some((token) => token.issuedAt >= record.injectedAtEmu)) return 'fresh token issued after the revocation';
      seen.push('fresh token');
    }
    if (record.tokenFailuresLeft > 0) return `use of ${record.tokenFailuresLeft} token endpoint failures`;
    record.effect = { at: this.now(), seen: seen.join('; ') };
    return null;
  }

  /** The shard's first RESUME or IDENTIFY on a connection after `after`. */
  #nextHandshake(shard: number, after: number): { op: 'resume' | 'identify'; connection: number } | null {
    const connections = this.emu.connections;
    // Connection ids are 1, 2, 3 … in order; the handshake is among a connection's first frames.
    for (let i = Math.max(0, after - 1); i < connections.length; i++) {
      const connection = connections[i]!;
      if (connection.id <= after) continue;
      for (const frame of connection.received.slice(0, 4)) {
        if (frame.op === OpCode.Identify && (frame.d as { shard?: number[] } | undefined)?.shard?.[0] === shard) return { op: 'identify', connection: connection.id };
        if (frame.op === OpCode.Resume) {
          const sessionId = (frame.d as { session_id?: string } | undefined)?.session_id;
          const session = sessionId === undefined ? undefined : this.emu.sessions.get(sessionId);
          if (session?.shard[0] === shard) return { op: 'resume', connection: connection.id };
        }
      }
    }
    return null;
  }
}
