import type { DecodedFrame, SocketEvent } from '../../machines/shard.events.js';
import { QQProtocolError } from '../errors.js';
import { OpCode, type ReadyData } from '../protocol/opcodes.js';

/**
 * Turns one gateway frame (text) into the shard machine's typed event, or a dispatch for the shard's
 * sequencer. Anything that does not
 * follow the protocol becomes `GATEWAY.MALFORMED` with a short preview: it is reported, never thrown.
 * Heartbeat ACKs come out without latency; the socket actor, which knows when it sent the beat, adds it.
 */
export function decodeFrame(text: string, shardId?: number): DecodedFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return malformed('frame is not valid JSON', text, shardId);
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return malformed('frame is not a JSON object', text, shardId);
  const { op, d, s, t, id } = frame as { op?: unknown; d?: unknown; s?: unknown; t?: unknown; id?: unknown };
  if (typeof op !== 'number' || !Number.isInteger(op)) return malformed('frame has no integer "op"', text, shardId);
  switch (op) {
    case OpCode.Hello: {
      const interval = (d as { heartbeat_interval?: unknown } | null | undefined)?.heartbeat_interval;
      if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
        return malformed('Hello without a positive heartbeat_interval', text, shardId);
      }
      return { type: 'GATEWAY.HELLO', heartbeatInterval: interval };
    }
    case OpCode.HeartbeatAck:
      return { type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: null };
    case OpCode.Heartbeat:
      return { type: 'GATEWAY.HEARTBEAT_REQUEST' };
    case OpCode.Reconnect:
      return { type: 'GATEWAY.RECONNECT' };
    case OpCode.InvalidSession:
      return { type: 'GATEWAY.INVALID_SESSION', resumable: d === true };
    case OpCode.Dispatch:
      return decodeDispatch(text, d, s, t, id, shardId);
    default:
      return malformed(`unknown opcode ${op}`, text, shardId);
  }
}

function decodeDispatch(text: string, d: unknown, s: unknown, t: unknown, id: unknown, shardId?: number): DecodedFrame {
  if (typeof t !== 'string' || t.length === 0) return malformed('dispatch without a string "t"', text, shardId);
  if (s !== undefined && s !== null && (typeof s !== 'number' || !Number.isInteger(s) || s < 0)) {
    return malformed('dispatch with a non-integer "s"', text, shardId);
  }
  if (id !== undefined && id !== null && typeof id !== 'string') return malformed('dispatch with a non-string "id"', text, shardId);
  const seq = typeof s === 'number' ? s : null;
  if (t === 'READY') {
    const ready = d as Partial<ReadyData> | null | undefined;
    if (typeof ready?.session_id !== 'string' || ready.session_id.length === 0) {
      return malformed('READY without session_id', text, shardId);
    }
    const user = typeof ready.user === 'object' && ready.user !== null ? ready.user : { id: '', username: '', bot: true };
    const shard = Array.isArray(ready.shard) ? ready.shard : [0, 1];
    return { type: 'GATEWAY.READY', seq, data: { version: Number(ready.version ?? 1), session_id: ready.session_id, user, shard: shard as [number, number] } };
  }
  if (t === 'RESUMED') return { type: 'GATEWAY.RESUMED', seq };
  return { type: 'GATEWAY.DISPATCH', eventType: t, seq, id: typeof id === 'string' ? id : null, data: d };
}

function malformed(problem: string, text: string, shardId?: number): SocketEvent {
  return { type: 'GATEWAY.MALFORMED', error: new QQProtocolError(`Malformed gateway frame: ${problem}`, preview(text), shardId) };
}

export function preview(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
