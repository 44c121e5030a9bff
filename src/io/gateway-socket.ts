import { isAscii, isUtf8 } from 'node:buffer';
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
  const create = options.createWebSocket ?? ((url: string) => new WebSocket(url, gatewayWebSocketOptions(options.maxPayloadBytes)));

  return fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
    let heartbeatSentAt: number | null = null;
    let closed = false;
    /** A frame broke the WebSocket protocol: the socket is closing, and nothing more it reads is trusted. */
    let broken = false;
    const ws = create(input.url);

    ws.on('open', () => sendBack({ type: 'SOCKET.OPEN' }));
    ws.on('message', (data, isBinary) => {
      if (broken) return;
      if (isBinary) {
        sendBack({
          type: 'GATEWAY.MALFORMED',
          error: new QQProtocolError('Malformed gateway frame: binary frame', `<${byteLength(data)} bytes>`, input.shardId),
        });
        return;
      }
      const text = frameText(data as Buffer);
      if (text === null) {
        // What ws does with its own check on: report, close 1007, read nothing more. The frame and
        // whatever followed it are not delivered, so the resume replays them.
        broken = true;
        sendBack({
          type: 'GATEWAY.MALFORMED',
          error: new QQProtocolError('Malformed gateway frame: invalid UTF-8 in a text frame', `<${byteLength(data)} bytes>`, input.shardId),
        });
        close(1007, 'invalid UTF-8');
        return;
      }
      const event = decodeFrame(text, input.shardId);
      // Dispatches go straight to the shard's sequencer, synchronously and in wire order: no machine
      // step, nothing held for later (docs/benchmarks.md). Every other frame is a machine event.
      if (event.type === 'GATEWAY.DISPATCH') {
        input.dispatches.accept(event);
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

/** A subset of `ws`'s ClientOptions, spelled out: the published types must not need `@types/ws`. */
export interface GatewayWebSocketOptions {
  perMessageDeflate: false;
  maxPayload: number;
  skipUTF8Validation: true;
}

/**
 * The `ws` options of a gateway socket. UTF-8 is checked by `frameText`, not by `ws`: `ws`'s check
 * and `toString()`'s decoder would each read every byte of every frame, and the dispatch hot path
 * is mostly reading bytes (bench/notes.md).
 */
export function gatewayWebSocketOptions(maxPayloadBytes = 16 * 1024 * 1024): GatewayWebSocketOptions {
  return { perMessageDeflate: false, maxPayload: maxPayloadBytes, skipUTF8Validation: true };
}

/**
 * A text frame's string, or null if its bytes are not UTF-8 (RFC 6455 §8.1: the endpoint must
 * fail the connection, code 1007). An ASCII frame — every frame the platform sends without
 * non-Latin text — is checked in one pass and copied as Latin-1, which for ASCII is the same string.
 */
export function frameText(data: Buffer): string | null {
  if (isAscii(data)) return data.toString('latin1');
  return isUtf8(data) ? data.toString('utf8') : null;
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
