import type { GatewayFrame, ReadyData } from '../src/protocol/opcodes.js';
import type { QQProtocolError } from '../src/errors.js';

/**
 * What the socket actor tells the shard machine: the wire, already parsed and validated, as typed
 * events. The socket actor (src/io/gateway-socket.ts) is the only place that sees raw frames.
 * Dispatches (op 0) are not machine events: the socket hands them to the shard's sequencer through
 * the gate in its input (machines/dispatch-sequencer.ts).
 */
export type SocketEvent =
  | { type: 'SOCKET.OPEN' }
  | { type: 'SOCKET.CLOSED'; code: number; reason: string }
  | { type: 'GATEWAY.HELLO'; heartbeatInterval: number }
  | { type: 'GATEWAY.READY'; seq: number | null; data: ReadyData }
  | { type: 'GATEWAY.RESUMED'; seq: number | null }
  | { type: 'GATEWAY.HEARTBEAT_ACK'; latencyMs: number | null }
  | { type: 'GATEWAY.HEARTBEAT_REQUEST' }
  | { type: 'GATEWAY.RECONNECT' }
  | { type: 'GATEWAY.INVALID_SESSION'; resumable: boolean }
  | { type: 'GATEWAY.MALFORMED'; error: QQProtocolError };

/** One dispatch (op 0) frame, validated. */
export interface DispatchFrame {
  eventType: string;
  seq: number | null;
  id: string | null;
  data: unknown;
}

/** What the socket actor holds: it hands over each dispatch frame the moment it is read (the sequencer makes the gates). */
export interface DispatchGate {
  accept(dispatch: DispatchFrame): void;
}

/** What the shard machine tells the socket actor. */
export type SocketCommand =
  | { type: 'SEND'; frame: GatewayFrame }
  | { type: 'CLOSE'; code: number; reason: string };

export interface SocketInput {
  url: string;
  shardId: number;
  /** Where this socket delivers dispatches; closed by the machine when it leaves the session. */
  dispatches: DispatchGate;
}

/** A decoded dispatch: the frame itself, tagged, so a dispatch costs the decoder one object. */
export interface DecodedDispatch extends DispatchFrame {
  type: 'GATEWAY.DISPATCH';
}

/** One frame as the decoder reads it: a machine event, or a dispatch for the sequencer. */
export type DecodedFrame = SocketEvent | DecodedDispatch;
