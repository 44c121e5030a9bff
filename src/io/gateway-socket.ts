import { WebSocket } from 'ws';
import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent, SocketInput } from '../../machines/shard.events.js';
import { QQProtocolError } from '../errors.js';
import { Secret } from '../secret.js';
import { OpCode } from '../protocol/opcodes.js';
import { decodeFrame } from './frame-decoder.js';

export interface GatewaySocketOptions {
  /** Largest frame accepted; a bigger one closes the socket with 1009 (and the shard resumes). */
  maxPayloadBytes?: number;
  /**
   * Injected for tests; defaults to `ws`.
   * @internal Kept out of the published types, which must not need `@types/ws`.
   */
  createWebSocket?: (url: string) => WebSocket;
}

/**
 * The shard's socket: opens one WebSocket, translates every frame into a typed `SocketEvent`, and
 * sends the frames the machine asks for; dispatches go to the sequencer's gate in its input. It is
 * invoked on the shard's `session` state, so the machine leaving `session` stops it; after that XState
 * drops anything it would still send back, and the machine has closed the gate.
 */
export function gatewaySocketActor(options: GatewaySocketOptions = {}) {
  const create =
    options.createWebSocket ??
    ((url: string) => new WebSocket(url, { perMessageDeflate: false, maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024 }));

  return fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
    let heartbeatSentAt: number | null = null;
    let closed = false;
    const ws = create(input.url);

    ws.on('open', () => sendBack({ type: 'SOCKET.OPEN' }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        sendBack({
          type: 'GATEWAY.MALFORMED',
          error: new QQProtocolError('Malformed gateway frame: binary frame', `<${byteLength(data)} bytes>`, input.shardId),
        });
        return;
      }
      const event = decodeFrame(data.toString(), input.shardId);
      // Dispatches go straight to the shard's sequencer, synchronously and in wire order: no machine
      // step, nothing held for later (docs/benchmarks.md). Every other frame is a machine event.
      if (event.type === 'GATEWAY.DISPATCH') {
        input.dispatches.accept(event.dispatch);
        return;
      }
      if (event.type === 'GATEWAY.HEARTBEAT_ACK' && heartbeatSentAt !== null) {
        sendBack({ type: 'GATEWAY.HEARTBEAT_ACK', latencyMs: performance.now() - heartbeatSentAt });
        heartbeatSentAt = null;
        return;
      }
      sendBack(event);
    });
    ws.on('close', (code, reason) => {
      closed = true;
      sendBack({ type: 'SOCKET.CLOSED', code, reason: reason.toString() });
    });
    // 'error' is always followed by 'close'; the listener keeps ws from throwing. A frame that
    // breaks the WebSocket protocol itself (invalid UTF-8, above maxPayload: ws codes WS_ERR_*)
    // closes the socket (1007/1009, then a resume) and is reported like any malformed frame.
    ws.on('error', (error: Error & { code?: unknown }) => {
      if (typeof error.code !== 'string' || !error.code.startsWith('WS_ERR_')) return;
      sendBack({
        type: 'GATEWAY.MALFORMED',
        error: new QQProtocolError(`Malformed gateway frame: ${error.message}`, `<${error.code}>`, input.shardId),
      });
    });

    receive((command) => {
      if (command.type === 'SEND') {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (command.frame.op === OpCode.Heartbeat) heartbeatSentAt = performance.now();
        ws.send(serializeFrame(command.frame));
        return;
      }
      close(command.code, command.reason);
    });

    function close(code: number, reason: string): void {
      if (closed) return;
      closed = true;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    }

    return () => close(1000, 'stopped');
  });
}

/** JSON for the wire, with every `Secret` revealed (its own toJSON would say `[redacted]`). */
export function serializeFrame(frame: unknown): string {
  return JSON.stringify(frame, function reveal(this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Secret ? raw.reveal() : value;
  });
}

function byteLength(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
