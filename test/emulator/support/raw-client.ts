/**
 * A bare WebSocket client for driving the emulator in tests: no SDK code, just frames. `next()` hands out
 * received frames in order, waiting (event-driven) for one that has not arrived yet.
 */
import WebSocket from 'ws';
import type { GatewayFrame } from '../../../src/protocol/opcodes.js';

export interface ClientClose {
  code: number;
  reason: string;
}

export class RawClient {
  /** Every frame received, in order. */
  readonly frames: GatewayFrame[] = [];
  /** Resolves when the socket closes. */
  readonly closed: Promise<ClientClose>;
  readonly ws: WebSocket;
  #cursor = 0;
  #waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.#wake();
      });
    });
    ws.on('message', (data) => {
      let frame: GatewayFrame;
      try {
        frame = JSON.parse(data.toString()) as GatewayFrame;
      } catch {
        frame = { op: -1, d: data.toString() };
      }
      this.frames.push(frame);
      this.#wake();
    });
    ws.on('error', () => undefined);
  }

  static connect(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** The next unread frame (optionally the next with `op`), skipping nothing else unless `op` is given. */
  next(op?: number, timeoutMs = 3000): Promise<GatewayFrame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = this.#cursor; i < this.frames.length; i += 1) {
          const frame = this.frames[i]!;
          if (op === undefined || frame.op === op) {
            this.#cursor = i + 1;
            resolve(frame);
            return true;
          }
        }
        if (this.ws.readyState === WebSocket.CLOSED) {
          reject(new Error(`socket closed while waiting for ${op === undefined ? 'a frame' : `op ${op}`}`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${op === undefined ? 'a frame' : `op ${op}`}`));
      }, timeoutMs);
      const waiter = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
        }
      };
      this.#waiters.push(waiter);
    });
  }

  /** Frames received but not yet handed out by next(). */
  unread(): GatewayFrame[] {
    return this.frames.slice(this.#cursor);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendText(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  close(code = 1000): Promise<ClientClose> {
    this.ws.close(code);
    return this.closed;
  }

  /** Cut the TCP connection without a close frame. */
  terminate(): Promise<ClientClose> {
    this.ws.terminate();
    return this.closed;
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
