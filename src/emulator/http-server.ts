/**
 * The HTTP side of the emulator: reads the request, records it, applies injected faults, answers the token
 * endpoint, authorizes everything else (QQBot token) and hands it to the matching route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAdminPath, type AdminHandler } from './admin/admin-http.js';
import type { Authorizer } from './auth.js';
import type { HttpFault, HttpFaultQueue } from './http-faults.js';
import type { EmulatorRoute, RouteEmulator, RouteResult } from './http-router.js';
import { traceId } from './ids.js';
import type { InboundRegistry } from './inbound.js';
import type { Observer } from './observer.js';
import { platformError } from './platform-errors.js';
import { answerTokenRequest, INTERNAL_ERR, TOKEN_PATH, type TokenEndpointDeps } from './token-endpoint.js';
import type { HttpRequestRecord } from './types.js';

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_SLOW_MS = 2000;

export interface HttpPipelineDeps {
  now(): number;
  requests: HttpRequestRecord[];
  observer: Observer;
  authorize: Authorizer;
  tokenEndpoint: TokenEndpointDeps;
  tokenFaults: HttpFaultQueue;
  gatewayFaults: HttpFaultQueue;
  routes: EmulatorRoute[];
  inbound: InboundRegistry;
  routeEmulator: RouteEmulator;
  /** Responses held open by 'timeout' faults or waiting out 'slow' ones; the emulator ends them on close. */
  pending: Set<ServerResponse>;
  /** The `/_emulator/` control API, when enabled. Its calls are not platform traffic: not recorded, no faults. */
  admin?: AdminHandler;
  log(line: string): void;
}

/** Builds the `request` listener for the node:http server. */
export function createHttpPipeline(deps: HttpPipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      deps.log(`http: internal error: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, { status: 500, body: platformError(500, 'internal error') });
      else res.destroy();
    });
  };
}

async function handle(deps: HttpPipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = deps.now();
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const rawBody = await readBody(req, res);
  if (rawBody === undefined) return;
  if (deps.admin && isAdminPath(url.pathname)) return deps.admin(req, res, url, rawBody);
  const body = parseBody(rawBody);
  const record: HttpRequestRecord = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    headers: { ...req.headers },
    body: body.json ?? (rawBody.length > 0 ? rawBody.toString('utf8') : undefined),
    status: 0,
    at,
  };
  deps.requests.push(record);
  res.on('finish', () => {
    record.status = res.statusCode;
    deps.observer.changed();
  });
  deps.observer.changed();

  const fault = faultFor(deps, url.pathname);
  if (fault) {
    const proceed = await applyFault(deps, fault, req, res);
    if (!proceed) return;
  }

  if (url.pathname === TOKEN_PATH) {
    const answer = answerTokenRequest({ method: record.method, contentType: req.headers['content-type'], body: body.json }, deps.tokenEndpoint);
    send(res, answer);
    return;
  }

  const auth = deps.authorize(req.headers.authorization);
  if (auth.ok || auth.token !== undefined) record.token = auth.token;
  if (!auth.ok && auth.failure === 'expired') record.tokenExpired = true;
  if (!auth.ok) {
    send(res, { status: auth.status, body: auth.body });
    return;
  }

  const candidates = deps.routes.filter((route) => route.pattern.test(url.pathname));
  if (candidates.length === 0) {
    send(res, { status: 404, body: platformError(404, 'api not found') });
    return;
  }
  const route = candidates.find((candidate) => candidate.method.toUpperCase() === record.method);
  if (!route) {
    send(res, { status: 405, body: platformError(405, 'method not allowed') });
    return;
  }
  const match = route.pattern.exec(url.pathname);
  const result = await route.handle({
    params: match ? match.slice(1).map((group) => group ?? '') : [],
    body: body.json,
    rawBody,
    headers: req.headers,
    query: url.searchParams,
    token: auth.token,
    now: at,
    inbound: deps.inbound,
    emu: deps.routeEmulator,
  });
  send(res, result);
}

function faultFor(deps: HttpPipelineDeps, path: string): HttpFault | undefined {
  if (path === TOKEN_PATH) return deps.tokenFaults.take();
  if (/^\/gateway(\/bot)?\/?$/.test(path)) return deps.gatewayFaults.take();
  return undefined;
}

/** Applies a fault. Resolves true when the request should then be answered normally ('slow'). */
async function applyFault(deps: HttpPipelineDeps, fault: HttpFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case '5xx':
      send(res, { status: fault.options.status ?? 500, body: { code: fault.options.status ?? 500, message: 'internal server error' } });
      return false;
    case 'error-code':
      send(res, { status: 200, body: { ...INTERNAL_ERR, err_code: INTERNAL_ERR.code, trace_id: traceId() } });
      return false;
    case 'bad-json':
      res.writeHead(200, { 'content-type': 'application/json', 'x-tps-trace-id': traceId() });
      res.end('{"access_token":"tru');
      return false;
    case 'timeout':
      // Hang: no answer until the client gives up or the emulator closes.
      deps.pending.add(res);
      req.socket.once('close', () => deps.pending.delete(res));
      return false;
    case 'slow':
      deps.pending.add(res);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.options.delayMs ?? DEFAULT_SLOW_MS);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      deps.pending.delete(res);
      return !res.destroyed && !res.writableEnded;
  }
}

function send(res: ServerResponse, result: RouteResult): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { 'X-Tps-trace-ID': traceId(), ...result.headers };
  if (result.body === undefined) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(result.body));
}

/** Reads the whole body; answers 413 and resolves undefined when it is too large. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        send(res, { status: 413, body: platformError(413, 'request entity too large') });
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve(undefined);
    });
  });
}

function parseBody(raw: Buffer): { json: unknown } {
  if (raw.length === 0) return { json: undefined };
  try {
    return { json: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { json: undefined };
  }
}
