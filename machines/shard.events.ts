import type { GatewayFrame, ReadyData } from '../src/protocol/opcodes.js';
import type { QQProtocolError } from '../src/errors.js';

/**
 * What the socket actor tells the shard machine: the wire, already parsed and validated, as typed
 * events. The socket actor (src/io/gateway-socket.ts) is the only place that sees raw frames.
 */
export type SocketEvent =
  | { type: 'SOCKET.OPEN' }
  | { type: 'SOCKET.CLOSED'; code: number; reason: string }
  | { type: 'GATEWAY.HELLO'; heartbeatInterval: number }
  | { type: 'GATEWAY.READY'; seq: number | null; data: ReadyData }
  | { type: 'GATEWAY.RESUMED'; seq: number | null }
  | { type: 'GATEWAY.DISPATCH'; dispatches: readonly DispatchFrame[] }
  | { type: 'GATEWAY.HEARTBEAT_ACK'; latencyMs: number | null }
  | { type: 'GATEWAY.HEARTBEAT_REQUEST' }
  | { type: 'GATEWAY.RECONNECT' }
  | { type: 'GATEWAY.INVALID_SESSION'; resumable: boolean }
  | { type: 'GATEWAY.MALFORMED'; error: QQProtocolError };

/**
 * One dispatch (op 0) frame. The socket actor hands dispatches over in batches — every frame that
 * arrived in one read of the socket — so the machine's per-event cost is paid once per batch, not
 * once per event. Order is kept: a batch is flushed before any other frame is passed on.
 */
export interface DispatchFrame {
  eventType: string;
  seq: number | null;
  id: string | null;
  data: unknown;
}

/** What the shard machine tells the socket actor. */
export type SocketCommand =
  | { type: 'SEND'; frame: GatewayFrame }
  | { type: 'CLOSE'; code: number; reason: string };

export interface SocketInput {
  url: string;
  shardId: number;
}
