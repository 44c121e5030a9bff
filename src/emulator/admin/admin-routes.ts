/**
 * The admin API's operations: the in-process API of `Emulator` over HTTP. Each route is data (method, path,
 * handler) so the list in `GET /_emulator/` and the docs cannot drift from what is served.
 */
import type { Emulator, InjectedEvent } from '../emulator.js';
import type { MalformedFrameKind } from '../malformed-frames.js';
import { eventInjectors, injectorNames } from '../injectors.js';
import type { ConnectionRecord, ConnectionTarget, HttpFaultKind, SessionRecord } from '../types.js';
import type { WebhookInjectedEvent } from '../webhook/index.js';

export interface AdminContext {
  emu: Emulator;
  body: Record<string, unknown>;
  query: URLSearchParams;
  /** Regex groups of the path pattern. */
  params: string[];
}

export interface AdminResult {
  status?: number;
  body: unknown;
}

export interface AdminRoute {
  method: 'GET' | 'POST';
  /** The path after `/_emulator`, as shown in the index. */
  path: string;
  pattern: RegExp;
  summary: string;
  handle(ctx: AdminContext): AdminResult | Promise<AdminResult>;
}

/** A client mistake: answered with `status` and `{error: message}`. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_WAIT_MS = 10_000;
const MAX_WAIT_MS = 120_000;

function route(method: AdminRoute['method'], path: string, summary: string, handle: AdminRoute['handle']): AdminRoute {
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)');
  return { method, path, pattern: new RegExp(`^${source}$`), summary, handle };
}

const ok = (body: unknown): AdminResult => ({ body });

export function adminRoutes(): AdminRoute[] {
  const routes: AdminRoute[] = [
    route('GET', '/', 'this index', ({ emu }) =>
      ok({
        appId: emu.appId,
        urls: { tokenUrl: emu.tokenUrl, apiBase: emu.apiBase, gatewayUrl: emu.gatewayUrl, admin: `${emu.url}/_emulator` },
        operations: routes.map((r) => ({ method: r.method, path: `/_emulator${r.path === '/' ? '/' : r.path}`, summary: r.summary })),
      }),
    ),

    // ---- observing -------------------------------------------------------------------------------------------
    route('GET', '/state', 'stats, sessions, connections (summaries), webhook callback', ({ emu }) =>
      ok({
        stats: emu.stats,
        sessions: [...emu.sessions.values()].map(sessionSummary),
        connections: emu.connections.map(connectionSummary),
        webhook: { callbackUrl: emu.webhook.callbackUrl ?? null },
      }),
    ),
    route('GET', '/requests', 'HTTP requests that arrived (?since=index), credentials redacted', ({ emu, query }) => ok(page(emu.requests, query))),
    route('GET', '/connections/{id}', 'one connection with its frames (Identify/Resume tokens redacted)', ({ emu, params }) => ok(connectionById(emu, params[0]))),
    route('GET', '/sent', 'messages the bot sent over REST (?since=index)', ({ emu, query }) => ok(page(emu.rest.sent, query))),
    route('GET', '/rest', 'everything the REST endpoints recorded: sent, uploads, recalls, interaction acks, DM sessions, rejections', ({ emu }) =>
      ok({
        sent: emu.rest.sent,
        uploads: emu.rest.uploads,
        recalls: emu.rest.recalls,
        interactionAcks: emu.rest.interactionAcks,
        dmSessions: emu.rest.dmSessions,
        rejections: emu.rest.rejections,
      }),
    ),
    route('GET', '/inbound', 'events pushed to the bot (?since=index)', ({ emu, query }) => ok(page(emu.inbound.all(), query))),
    route('GET', '/webhook/deliveries', 'webhook deliveries and their attempts (?since=index)', ({ emu, query }) => ok(page(emu.webhook.deliveries, query))),

    // ---- events ----------------------------------------------------------------------------------------------
    ...eventRoutes(),
    route('POST', '/events/dispatch', 'any event: {type, data, shard?}', ({ emu, body }) => {
      const type = requireString(body, 'type');
      if (body.data === undefined) throw new AdminError(400, '"data" is required');
      const shard = optionalInteger(body, 'shard');
      return ok(emu.dispatch(type, body.data, shard === undefined ? {} : { shard }));
    }),

    // ---- gateway faults --------------------------------------------------------------------------------------
    route('POST', '/faults/close', 'close frame: {code, reason?, shard?, connection?}', ({ emu, body }) => {
      const code = requireInteger(body, 'code');
      if (code < 1000 || code > 4999) throw new AdminError(400, '"code" must be a close code from 1000 to 4999');
      const reason = body.reason === undefined ? {} : { reason: requireString(body, 'reason') };
      return hits(emu.closeSession(code, { ...target(body), ...reason }));
    }),
    route('POST', '/faults/drop', 'cut TCP without a close frame (client sees 1006): {shard?, connection?}', ({ emu, body }) => hits(emu.dropConnection(target(body)))),
    route('POST', '/faults/reconnect', 'op 7 Reconnect: {shard?, connection?}', ({ emu, body }) => hits(emu.sendReconnect(target(body)))),
    route('POST', '/faults/invalid-session', 'op 9: {resumable: boolean, shard?, connection?}', ({ emu, body }) => {
      if (typeof body.resumable !== 'boolean') throw new AdminError(400, '"resumable" must be a boolean');
      return hits(emu.sendInvalidSession(body.resumable, target(body)));
    }),
    route('POST', '/faults/zombie', 'half-open socket: no ACKs, no dispatches: {shard?, connection?}', ({ emu, body }) => hits(emu.zombie(target(body)))),
    route('POST', '/faults/heartbeat-request', 'server op 1: {shard?, connection?}', ({ emu, body }) => hits(emu.sendHeartbeatRequest(target(body)))),
    route('POST', '/faults/suspend-heartbeat-acks', 'stop op 11 (no target: everywhere, also later connections)', ({ emu, body }) => {
      emu.suspendHeartbeatAcks(hasTarget(body) ? target(body) : undefined);
      return ok({ done: true });
    }),
    route('POST', '/faults/resume-heartbeat-acks', 'restart op 11', ({ emu, body }) => {
      emu.resumeHeartbeatAcks(hasTarget(body) ? target(body) : undefined);
      return ok({ done: true });
    }),
    route('POST', '/faults/malformed', `one malformed frame: {kind: ${MALFORMED.join('|')}, shard?, connection?}`, ({ emu, body }) => {
      const kind = requireString(body, 'kind');
      if (!(MALFORMED as readonly string[]).includes(kind)) throw new AdminError(400, `"kind" must be one of ${MALFORMED.join(', ')}`);
      return hits(emu.sendMalformed(kind as MalformedFrameKind, target(body)));
    }),
    route('POST', '/faults/hold-hello', 'new sockets get no Hello until release-hello', ({ emu }) => done(() => emu.holdHello())),
    route('POST', '/faults/release-hello', 'send the held Hellos', ({ emu }) => done(() => emu.releaseHello())),
    route('POST', '/faults/hold-ready', 'accepted Identify/Resume get no READY/RESUMED until release-ready', ({ emu }) => done(() => emu.holdReady())),
    route('POST', '/faults/release-ready', 'send the held READY/RESUMED', ({ emu }) => done(() => emu.releaseReady())),

    // ---- HTTP faults -----------------------------------------------------------------------------------------
    route('POST', '/faults/expire-tokens', 'every access token issued so far expires now', ({ emu }) => done(() => emu.expireTokens())),
    route('POST', '/faults/token-endpoint', `the next {count} token calls fail: {count, kind: ${HTTP_FAULTS.join('|')}, status?, delayMs?}`, ({ emu, body }) => {
      const { count, kind, options } = httpFault(body);
      return done(() => emu.failTokenEndpoint(count, kind, options));
    }),
    route('POST', '/faults/gateway-endpoint', 'the next {count} GET /gateway[/bot] calls fail: same body as token-endpoint', ({ emu, body }) => {
      const { count, kind, options } = httpFault(body);
      return done(() => emu.failGatewayEndpoint(count, kind, options));
    }),

    // ---- webhook mode ----------------------------------------------------------------------------------------
    route('POST', '/webhook/configure', 'set the callback URL: {url, retries?, retryDelayMs?, timeoutMs?, strictAck?}', ({ emu, body }) => {
      const url = requireString(body, 'url');
      try {
        emu.webhook.configure(url, {
          ...(body.retries !== undefined ? { retries: requireInteger(body, 'retries') } : {}),
          ...(body.retryDelayMs !== undefined ? { retryDelayMs: requireInteger(body, 'retryDelayMs') } : {}),
          ...(body.timeoutMs !== undefined ? { timeoutMs: requireInteger(body, 'timeoutMs') } : {}),
          ...(typeof body.strictAck === 'boolean' ? { strictAck: body.strictAck } : {}),
        });
      } catch (error) {
        throw new AdminError(400, error instanceof Error ? error.message : String(error));
      }
      return ok({ callbackUrl: emu.webhook.callbackUrl });
    }),
    route('POST', '/webhook/validate', 'run the op 13 callback validation now', async ({ emu }) => ok(await webhookCall(() => emu.webhook.validate()))),

    // ---- waiting (long-poll; ?timeoutMs=, default 10000; 408 on timeout) --------------------------------------
    route('GET', '/wait/ready', 'a shard past READY/RESUMED with a live socket (?shard=0)', async ({ emu, query }) =>
      waited(() => emu.waitForReady(queryInteger(query, 'shard') ?? 0, waitOptions(query)), sessionSummary),
    ),
    route('GET', '/wait/connection', 'a connection with id > ?after= (default: any new one)', async ({ emu, query }) => {
      const after = queryInteger(query, 'after') ?? emu.connections.length;
      return waited(() => emu.waitFor(() => emu.connections.find((c) => c.id > after), { description: `a connection after ${after}`, ...waitOptions(query) }), connectionSummary);
    }),
    route('GET', '/wait/close', 'the close record of ?connection= (default: the newest)', async ({ emu, query }) =>
      waited(() => emu.waitForClose(queryInteger(query, 'connection'), waitOptions(query)), (close) => close),
    ),
    route('GET', '/wait/frame', 'the ?nth= frame with ?op= (and ?t=) ?from=client|server on ?connection= (default newest)', async ({ emu, query }) => {
      const op = queryInteger(query, 'op');
      if (op === undefined) throw new AdminError(400, '"op" is required');
      const from = query.get('from') ?? 'client';
      if (from !== 'client' && from !== 'server') throw new AdminError(400, '"from" must be client or server');
      const connection = queryInteger(query, 'connection');
      const nth = queryInteger(query, 'nth');
      const t = query.get('t');
      return waited(
        () => emu.waitForFrame(op, { from, ...(connection !== undefined ? { connection } : {}), ...(nth !== undefined ? { nth } : {}), ...(t ? { t } : {}), ...waitOptions(query) }),
        (frame) => frame,
      );
    }),
    route('GET', '/wait/sent', 'the first REST send at index >= ?since= matching ?scene= ?target= ?msgId= ?eventId=', async ({ emu, query }) => {
      const since = queryInteger(query, 'since') ?? 0;
      const matches = (field: string, value: unknown): boolean => query.get(field) === null || query.get(field) === value;
      return waited(
        () =>
          emu.waitFor(
            () => {
              const index = emu.rest.sent.findIndex((sent, i) => i >= since && matches('scene', sent.scene) && matches('target', sent.target) && matches('msgId', sent.msgId) && matches('eventId', sent.eventId));
              return index >= 0 ? { index, sent: emu.rest.sent[index] } : undefined;
            },
            { description: 'a matching REST send', ...waitOptions(query) },
          ),
        (found) => found,
      );
    }),
    route('GET', '/wait/request', 'the first HTTP request at index >= ?since= with ?method= and ?path= (answered)', async ({ emu, query }) => {
      const since = queryInteger(query, 'since') ?? 0;
      const method = query.get('method')?.toUpperCase();
      const path = query.get('path');
      return waited(
        () =>
          emu.waitFor(
            () => {
              const index = emu.requests.findIndex((r, i) => i >= since && r.status !== 0 && (method === undefined || r.method === method) && (path === null || r.path === path));
              return index >= 0 ? { index, request: emu.requests[index] } : undefined;
            },
            { description: 'a matching request', ...waitOptions(query) },
          ),
        (found) => found,
      );
    }),
  ];
  return routes;
}

const MALFORMED = ['bad-json', 'binary', 'not-an-object', 'wrong-types', 'unknown-op', 'missing-op'] as const;
const HTTP_FAULTS = ['5xx', 'timeout', 'error-code', 'bad-json', 'slow'] as const;

/** `POST /events/{kind}`: one route per payload helper; `{transport: 'webhook'}` delivers by webhook instead. */
function eventRoutes(): AdminRoute[] {
  return injectorNames.map((helper) => {
    const { type, route: slug, summary } = eventInjectors[helper];
    const needsContent = summary.startsWith('{content');
    return route('POST', `/events/${slug}`, `${type}: ${summary}; {transport: "webhook"} to POST it to the callback instead`, async ({ emu, body }) => {
      const { transport = 'gateway', ...options } = body;
      if (needsContent) requireString(body, 'content');
      if (helper === 'interaction' && !['c2c', 'group', 'guild'].includes(String(body.scene))) throw new AdminError(400, '"scene" must be c2c, group or guild');
      if (transport === 'webhook') {
        if (!emu.webhook.callbackUrl) throw new AdminError(409, 'no webhook callback URL: POST /_emulator/webhook/configure first');
        const injected = await webhookCall(() => (emu.webhook[helper] as (o: unknown) => Promise<WebhookInjectedEvent>)(options));
        return ok({ msgId: injected.msgId, data: injected.data, delivery: injected.delivery });
      }
      if (transport !== 'gateway') throw new AdminError(400, '"transport" must be gateway or webhook');
      const injected = (emu[helper] as (o: unknown) => InjectedEvent)(options);
      return ok(injected);
    });
  });
}

function page<T>(items: readonly T[], query: URLSearchParams): { since: number; next: number; items: T[] } {
  const since = queryInteger(query, 'since') ?? 0;
  return { since, next: items.length, items: items.slice(since) };
}

function sessionSummary(session: SessionRecord) {
  const { buffer, ...rest } = session;
  return { ...rest, buffered: buffer.length };
}

function connectionSummary(connection: ConnectionRecord) {
  const { received, sent, invalidFrames, heartbeats, ...rest } = connection;
  return { ...rest, received: received.length, sent: sent.length, invalidFrames: invalidFrames.length, heartbeats: heartbeats.length };
}

function connectionById(emu: Emulator, raw: string | undefined): ConnectionRecord {
  const id = Number(raw);
  const connection = emu.connections.find((c) => c.id === id);
  if (!connection) throw new AdminError(404, `no connection ${raw ?? ''}`);
  return connection;
}

function hits(count: number): AdminResult {
  return ok({ hit: count });
}

function done(action: () => void): AdminResult {
  action();
  return ok({ done: true });
}

function target(body: Record<string, unknown>): ConnectionTarget {
  const shard = optionalInteger(body, 'shard');
  const connection = optionalInteger(body, 'connection');
  return { ...(shard !== undefined ? { shard } : {}), ...(connection !== undefined ? { connection } : {}) };
}

function hasTarget(body: Record<string, unknown>): boolean {
  return body.shard !== undefined || body.connection !== undefined;
}

function httpFault(body: Record<string, unknown>): { count: number; kind: HttpFaultKind; options: { status?: number; delayMs?: number } } {
  const count = requireInteger(body, 'count');
  if (count < 1) throw new AdminError(400, '"count" must be at least 1');
  const kind = requireString(body, 'kind');
  if (!(HTTP_FAULTS as readonly string[]).includes(kind)) throw new AdminError(400, `"kind" must be one of ${HTTP_FAULTS.join(', ')}`);
  const status = optionalInteger(body, 'status');
  const delayMs = optionalInteger(body, 'delayMs');
  return { count, kind: kind as HttpFaultKind, options: { ...(status !== undefined ? { status } : {}), ...(delayMs !== undefined ? { delayMs } : {}) } };
}

async function webhookCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AdminError(409, error instanceof Error ? error.message : String(error));
  }
}

function waitOptions(query: URLSearchParams): { timeoutMs: number } {
  const timeoutMs = queryInteger(query, 'timeoutMs') ?? DEFAULT_WAIT_MS;
  if (timeoutMs < 0 || timeoutMs > MAX_WAIT_MS) throw new AdminError(400, `"timeoutMs" must be from 0 to ${MAX_WAIT_MS}`);
  return { timeoutMs };
}

/** Runs a wait; a timeout (or the emulator closing) is 408 with what it waited for. */
async function waited<T>(wait: () => Promise<T>, shape: (value: T) => unknown): Promise<AdminResult> {
  try {
    return ok(shape(await wait()));
  } catch (error) {
    if (error instanceof AdminError) throw error;
    return { status: 408, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw new AdminError(400, `"${key}" must be a string`);
  return value;
}

function requireInteger(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new AdminError(400, `"${key}" must be an integer`);
  return value;
}

function optionalInteger(body: Record<string, unknown>, key: string): number | undefined {
  return body[key] === undefined ? undefined : requireInteger(body, key);
}

function queryInteger(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) throw new AdminError(400, `"${key}" must be an integer`);
  return value;
}
