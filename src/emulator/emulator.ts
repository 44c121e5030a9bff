/**
 * Longer than ~350 lines on purpose: the class is the emulator's public test surface (waits, faults, holds), and
 * each method is a line or two handing off to the gateway, token store or observer; the parts live in their files.
 *
 * The emulator: one node:http server for the token endpoint, REST and the WebSocket gateway, plus the
 * observation and fault-injection surface tests use. Start it with `startEmulator()`.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeCodeTable } from '../protocol/close-codes.js';
import { knownIntentBits, privateIntentBits } from '../protocol/intents.js';
import { OpCode, type GatewayFrame } from '../protocol/opcodes.js';
import type { AuthResult, Authorizer } from './auth.js';
import { Gateway } from './gateway/gateway.js';
import { SessionStore } from './gateway/sessions.js';
import { HttpFaultQueue } from './http-faults.js';
import type { RouteEmulator } from './http-router.js';
import { inboundRecordFor, InboundRegistry } from './inbound.js';
import { malformedFrame, type MalformedFrameKind } from './malformed-frames.js';
import { Observer, type WaitOptions } from './observer.js';
import { installInjectors, injectedMsgId, type EventInjectors } from './injectors.js';
import type { PayloadContext } from './payloads.js';
import type { RestState } from './rest/index.js';
import { TOKEN_PATH } from './token-endpoint.js';
import { TokenStore, type IssuedToken } from './token-store.js';
import type {
  CloseRecord,
  ConnectionRecord,
  ConnectionTarget,
  DispatchOptions,
  DispatchResult,
  EmulatorOptions,
  EmulatorStats,
  HttpFaultKind,
  HttpFaultOptions,
  HttpRequestRecord,
  SessionRecord,
} from './types.js';
import { EmulatorWebhook, type WebhookModeOptions } from './webhook/index.js';

/** What a payload helper returns: the dispatch result plus the message id and the payload it sent. */
export interface InjectedEvent extends DispatchResult {
  /** `d.id` where the event has one (messages: the id a passive reply's `msg_id` names; interactions: the interaction id). */
  msgId: string | undefined;
  data: Record<string, unknown>;
}

export interface FrameWaitOptions extends WaitOptions {
  /** Connection id. Default: the newest connection (re-read while waiting). */
  connection?: number;
  /** 'client' (frames the client sent, default) or 'server' (frames the emulator sent). */
  from?: 'client' | 'server';
  /** Only frames with this `t`. */
  t?: string;
  /** Resolve on the nth matching frame (1-based). Default 1. */
  nth?: number;
}

export const DEFAULT_BOT_USER = { id: '6158788878435714165', username: 'emulator-bot' } as const;

/** Default entitlement: every known intent bit except the private-domain (私域) ones (reference §6.2). */
export const DEFAULT_ENTITLED_INTENTS = (knownIntentBits & ~privateIntentBits) >>> 0;

const TIMED_OUT_REASON = 'Session timed out';

/** The payload helpers (`c2cMessage`, `groupAtMessage`, …) push over the gateway; see src/emulator/injectors.ts. */
export interface Emulator extends EventInjectors<InjectedEvent> {}

export class Emulator implements RouteEmulator {
  static {
    installInjectors(Emulator.prototype, (emu, type, data) => emu.#inject(type, data), (emu) => emu.#payloadContext());
  }


  readonly appId: string;
  readonly botUser: { readonly id: string; readonly username: string };
  /** `http://host:port`. */
  readonly url: string;
  /** Full URL of `POST /app/getAppAccessToken`. */
  readonly tokenUrl: string;
  /** REST base URL (same server). */
  readonly apiBase: string;
  /** `ws://host:port/websocket`. */
  readonly gatewayUrl: string;
  readonly port: number;
  /** Every HTTP request, newest last. */
  readonly requests: HttpRequestRecord[];
  /** Every WebSocket connection, newest last. */
  readonly connections: readonly ConnectionRecord[];
  /** Every gateway session by session id. */
  readonly sessions: ReadonlyMap<string, SessionRecord>;
  readonly stats: EmulatorStats;
  /** Inbound messages and events, for passive-reply lookups. */
  readonly inbound: InboundRegistry;
  /** Webhook mode: signs and POSTs events to a callback URL (docs/webhook.md). */
  readonly webhook: EmulatorWebhook;
  /** What the bot sent, uploaded, recalled and acknowledged over REST (docs/emulator.md "REST endpoints"). */
  readonly rest: RestState;

  readonly #now: () => number;
  readonly #server: Server;
  readonly #observer: Observer;
  readonly #gateway: Gateway;
  readonly #tokens: TokenStore;
  readonly #authorize: Authorizer;
  readonly #tokenFaults: HttpFaultQueue;
  readonly #gatewayFaults: HttpFaultQueue;
  readonly #pending: Set<ServerResponse>;
  #closing: Promise<void> | undefined;

  /** Use `startEmulator()`; the constructor expects a listening server. */
  constructor(parts: {
    options: EmulatorOptions & { webhook?: WebhookModeOptions };
    server: Server;
    observer: Observer;
    gateway: Gateway;
    tokens: TokenStore;
    authorize: Authorizer;
    tokenFaults: HttpFaultQueue;
    gatewayFaults: HttpFaultQueue;
    pending: Set<ServerResponse>;
    stats: EmulatorStats;
    inbound: InboundRegistry;
    sessions: SessionStore;
    requests: HttpRequestRecord[];
    rest: RestState;
  }) {
    const { options, server } = parts;
    this.appId = options.appId;
    this.botUser = options.botUser ?? DEFAULT_BOT_USER;
    this.#now = options.now ?? Date.now;
    this.#server = server;
    this.#observer = parts.observer;
    this.#gateway = parts.gateway;
    this.#tokens = parts.tokens;
    this.#authorize = parts.authorize;
    this.#tokenFaults = parts.tokenFaults;
    this.#gatewayFaults = parts.gatewayFaults;
    this.#pending = parts.pending;
    this.stats = parts.stats;
    this.inbound = parts.inbound;
    this.requests = parts.requests;
    this.rest = parts.rest;
    this.connections = parts.gateway.records;
    this.sessions = parts.sessions.all;
    const address = server.address() as AddressInfo;
    this.port = address.port;
    const host = urlHost(options.host ?? '127.0.0.1');
    this.url = `http://${host}:${this.port}`;
    this.apiBase = this.url;
    this.tokenUrl = `${this.url}${TOKEN_PATH}`;
    this.gatewayUrl = `ws://${host}:${this.port}/websocket`;
    this.webhook = new EmulatorWebhook({
      appId: options.appId,
      secret: options.secret,
      now: this.#now,
      inbound: this.inbound,
      botUser: this.botUser,
      log: options.log ?? (() => undefined),
      ...(options.webhook ? { options: options.webhook } : {}),
    });
  }

  /** The emulator clock (ms). */
  now(): number {
    return this.#now();
  }

  /** Checks an `Authorization` value (`QQBot <token>`) exactly as the REST endpoints do. */
  authorize(headerValue: string | undefined): AuthResult {
    return this.#authorize(headerValue);
  }

  /** Every access token issued so far (value, issuedAt, expiresAt). */
  get tokens(): readonly IssuedToken[] {
    return this.#tokens.all();
  }

  // ---- waiting -------------------------------------------------------------------------------------------

  /** Resolves with the first truthy value of `check`, evaluated now and after every observed change. */
  waitFor<T>(check: () => T | undefined | null | false, options?: WaitOptions): Promise<T> {
    return this.#observer.waitFor(check, options);
  }

  /** The next WebSocket connection opened after this call. */
  nextConnection(options: WaitOptions = {}): Promise<ConnectionRecord> {
    const seen = this.connections.length;
    return this.waitFor(() => this.connections[seen], { description: 'a new connection', ...options });
  }

  /** The nth frame with `op` on a connection (default: the newest connection, frames the client sent). */
  waitForFrame(op: number, options: FrameWaitOptions = {}): Promise<GatewayFrame> {
    const { connection, from = 'client', t, nth = 1, ...wait } = options;
    return this.waitFor(
      () => {
        const record = connection === undefined ? this.connections.at(-1) : this.connections.find((c) => c.id === connection);
        if (!record) return undefined;
        const frames = (from === 'client' ? record.received : record.sent).filter((f) => f.op === op && (t === undefined || f.t === t));
        return frames[nth - 1];
      },
      { description: `frame op ${op}${t ? ` ${t}` : ''} from ${from}`, ...wait },
    );
  }

  /** The session of `shard` once it has a live socket past READY or RESUMED (resolves at once if it already has). */
  waitForReady(shard = 0, options: WaitOptions = {}): Promise<SessionRecord> {
    return this.waitFor(
      () => {
        const session = [...this.sessions.values()].reverse().find((s) => s.shard[0] === shard && s.resumable);
        if (!session || session.connectionId === undefined) return undefined;
        return this.connections.find((c) => c.id === session.connectionId && !c.closed) ? session : undefined;
      },
      { description: `shard ${shard} ready`, ...options },
    );
  }

  /** The close record of a connection (default: the newest) once it has closed. */
  waitForClose(connection?: number, options: WaitOptions = {}): Promise<CloseRecord> {
    return this.waitFor(
      () => (connection === undefined ? this.connections.at(-1) : this.connections.find((c) => c.id === connection))?.closed,
      { description: `connection ${connection ?? 'newest'} to close`, ...options },
    );
  }

  // ---- gateway faults ------------------------------------------------------------------------------------

  /** Closes live connections with `code` (default reason from the close-code table; 4009 "Session timed out"). Returns how many. */
  closeSession(code: number, options: ConnectionTarget & { reason?: string } = {}): number {
    const reason = options.reason ?? (code === 4009 ? TIMED_OUT_REASON : closeCodeTable[code]?.reason ?? '');
    const targets = this.#gateway.select(options);
    for (const connection of targets) connection.closeWith(code, reason);
    return targets.length;
  }

  /** Destroys the TCP socket without a close frame; the client sees 1006. Sessions stay resumable. */
  dropConnection(target?: ConnectionTarget): number {
    const targets = this.#gateway.select(target);
    for (const connection of targets) connection.drop();
    return targets.length;
  }

  /** op 7 Reconnect. */
  sendReconnect(target?: ConnectionTarget): number {
    return this.#gateway.sendReconnect(target);
  }

  /** op 9 with `d: resumable`. `false` also invalidates the sessions (a resume then gets 4006). */
  sendInvalidSession(resumable: boolean, target?: ConnectionTarget): number {
    return this.#gateway.sendInvalidSession(resumable, target);
  }

  /** A server-sent op 1 (reference §7: the client should heartbeat at once). */
  sendHeartbeatRequest(target?: ConnectionTarget): number {
    return this.#gateway.sendFrame({ op: OpCode.Heartbeat, d: null }, target);
  }

  /** Stop ACKing heartbeats: on the targeted connections, or (no target) everywhere including future connections. */
  suspendHeartbeatAcks(target?: ConnectionTarget): void {
    if (target === undefined) this.#gateway.context.flags.acksSuspended = true;
    else for (const connection of this.#gateway.select(target)) connection.acksSuspended = true;
  }

  /** Undo `suspendHeartbeatAcks` (no target: everywhere). */
  resumeHeartbeatAcks(target?: ConnectionTarget): void {
    if (target === undefined) this.#gateway.context.flags.acksSuspended = false;
    for (const connection of this.#gateway.select(target)) connection.acksSuspended = false;
  }

  /**
   * Half-open connection: the emulator stops sending anything (no ACKs, no dispatches) and ignores the client,
   * but keeps the socket open. Dispatches keep buffering in the session for a later resume.
   */
  zombie(target?: ConnectionTarget): number {
    const targets = this.#gateway.select(target);
    for (const connection of targets) connection.zombie = true;
    return targets.length;
  }

  /** Sends raw bytes as one WebSocket frame (text unless `binary`). Not recorded in `sent`. */
  sendRaw(data: string | Buffer, options: ConnectionTarget & { binary?: boolean } = {}): number {
    const targets = this.#gateway.select(options);
    for (const connection of targets) connection.sendRaw(data, options.binary ?? Buffer.isBuffer(data));
    return targets.length;
  }

  /** Sends one malformed frame of the given kind. */
  sendMalformed(kind: MalformedFrameKind, target: ConnectionTarget = {}): number {
    const { data, binary } = malformedFrame(kind);
    return this.sendRaw(data, { ...target, binary });
  }

  /** New connections get no Hello until `releaseHello()`. */
  holdHello(): void {
    this.#gateway.holdHello();
  }

  releaseHello(): void {
    this.#gateway.releaseHello();
  }

  /** Accepted Identify/Resume get no READY/RESUMED until `releaseReady()`. */
  holdReady(): void {
    this.#gateway.holdReady();
  }

  releaseReady(): void {
    this.#gateway.releaseReady();
  }

  // ---- HTTP faults ---------------------------------------------------------------------------------------

  /** The next `count` token requests fail with `kind`. */
  failTokenEndpoint(count: number, kind: HttpFaultKind, options?: HttpFaultOptions): void {
    this.#tokenFaults.add(count, kind, options);
  }

  /** The next `count` requests to `/gateway` or `/gateway/bot` fail with `kind`. */
  failGatewayEndpoint(count: number, kind: HttpFaultKind, options?: HttpFaultOptions): void {
    this.#gatewayFaults.add(count, kind, options);
  }

  /** Every token issued so far expires now; the next token request issues a new one. */
  expireTokens(): void {
    this.#tokens.expireAll();
  }

  // ---- events --------------------------------------------------------------------------------------------

  /** Pushes an event to the bot (see `Gateway.dispatch` for routing) and records it in `inbound`. */
  dispatch(type: string, data: unknown, options: DispatchOptions = {}): DispatchResult {
    const result = this.#gateway.dispatch(type, data, options);
    const record = inboundRecordFor(type, result.id, data, this.#now());
    if (record) this.inbound.add(record);
    return result;
  }

  /** Pushes the event to every current session (one per shard). */
  broadcast(type: string, data: unknown): DispatchResult[] {
    const shards = [...new Set([...this.sessions.values()].filter((s) => s.resumable).map((s) => s.shard[0]))];
    return shards.map((shard) => this.dispatch(type, data, { shard }));
  }

  /** Closes every socket and the server. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#tokenFaults.clear();
    this.#gatewayFaults.clear();
    await this.#gateway.close();
    for (const res of this.#pending) res.destroy();
    this.#pending.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    this.#observer.close();
  }

  #inject(type: string, data: Record<string, unknown>): InjectedEvent {
    const result = this.dispatch(type, data);
    return { ...result, msgId: injectedMsgId(data), data };
  }

  #payloadContext(): PayloadContext {
    return { now: this.#now(), appId: this.appId, botUser: this.botUser };
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
