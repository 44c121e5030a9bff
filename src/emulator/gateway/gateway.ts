/**
 * The emulated WebSocket gateway: accepts upgrades on `/websocket`, tracks connections and sessions, routes
 * dispatches to shards, and exposes the fault switches the emulator's public methods call.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { OpCode, type GatewayFrame } from '../../protocol/opcodes.js';
import { eventId } from '../ids.js';
import type { ConnectionRecord, ConnectionTarget, DispatchResult } from '../types.js';
import { GatewayConnection, sessionAccepts, type GatewayContext } from './connection.js';
import { shardForEvent } from './shard-routing.js';

export const GATEWAY_PATH = '/websocket';

/** Grace for clients to answer our close frame on shutdown before the sockets are cut. */
const SHUTDOWN_GRACE_MS = 200;

export class Gateway {
  /** Every connection ever accepted (the objects exposed as `emu.connections`). */
  readonly records: ConnectionRecord[] = [];
  readonly #connections: GatewayConnection[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #ctx: GatewayContext;

  constructor(ctx: Omit<GatewayContext, 'connectionFor'>) {
    this.#ctx = { ...ctx, connectionFor: (session) => this.#connections.find((c) => c.live && c.session === session && session.connectionId === c.record.id) };
  }

  get context(): GatewayContext {
    return this.#ctx;
  }

  /** The node:http 'upgrade' listener. Anything but `/websocket` (or `/websocket/`) gets a 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    if (path !== GATEWAY_PATH && path !== `${GATEWAY_PATH}/`) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.on('error', () => undefined);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new GatewayConnection(this.records.length + 1, ws, socket, this.#ctx);
      this.records.push(connection.record);
      this.#connections.push(connection);
      this.#ctx.log(`gateway: connection ${connection.record.id} opened`);
      if (!this.#ctx.flags.helloHeld) connection.sendHello();
      this.#ctx.observer.changed();
    });
  }

  /** Live connections matching the target (default: every live connection). */
  select(target: ConnectionTarget = {}): GatewayConnection[] {
    return this.#connections.filter(
      (c) =>
        c.live &&
        (target.shard === undefined || c.record.shardId === target.shard) &&
        (target.connection === undefined || c.record.id === target.connection),
    );
  }

  holdHello(): void {
    this.#ctx.flags.helloHeld = true;
  }

  releaseHello(): void {
    this.#ctx.flags.helloHeld = false;
    for (const connection of this.#connections) connection.sendHello();
  }

  holdReady(): void {
    this.#ctx.flags.readyHeld = true;
  }

  releaseReady(): void {
    this.#ctx.flags.readyHeld = false;
    for (const connection of this.#connections) connection.releasePending();
  }

  /**
   * Pushes an event. Routed to the current session of the target shard; kept for replay even while no socket is
   * attached; sent at once when one is. Not delivered when no session exists or its intents exclude the event.
   */
  dispatch(type: string, data: unknown, options: { shard?: number; id?: string } = {}): DispatchResult {
    const id = options.id ?? eventId(type);
    const shard = options.shard ?? shardForEvent(data, this.#routingTotal());
    const session = this.#ctx.sessions.currentForShard(shard);
    if (!session || !sessionAccepts(session, type)) {
      this.#ctx.observer.changed();
      return { id, s: undefined, shard, delivered: false };
    }
    const frame = this.#ctx.sessions.record(session, type, id, data);
    this.#ctx.stats.dispatched += 1;
    const connection = this.#ctx.connectionFor(session);
    if (connection?.accepts(type)) connection.send(frame);
    this.#ctx.observer.changed();
    return { id, s: frame.s, shard, delivered: true };
  }

  /** Sends one frame to the selected connections. Returns how many got it. */
  sendFrame(frame: GatewayFrame, target?: ConnectionTarget): number {
    return this.select(target).filter((c) => c.send(frame)).length;
  }

  sendReconnect(target?: ConnectionTarget): number {
    return this.sendFrame({ op: OpCode.Reconnect }, target);
  }

  /** op 9. With `resumable: false` the sessions are also invalidated, so a later resume gets 4006. */
  sendInvalidSession(resumable: boolean, target?: ConnectionTarget): number {
    const connections = this.select(target);
    for (const connection of connections) {
      connection.send({ op: OpCode.InvalidSession, d: resumable });
      if (!resumable && connection.session) connection.session.resumable = false;
    }
    return connections.length;
  }

  async close(): Promise<void> {
    const live = this.#connections.filter((c) => c.live);
    for (const connection of live) connection.shutdown();
    if (live.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)));
      await Promise.race([Promise.all(live.map((c) => c.socketClosed)), grace]);
      clearTimeout(timer);
    }
    for (const connection of this.#connections) connection.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  /** Shard count used for guild routing: what the live sessions identified with, else the configured count. */
  #routingTotal(): number {
    return this.#ctx.sessions.current()[0]?.shard[1] ?? this.#ctx.configuredShards;
  }
}
