/**
 * The control channel of a stand-alone emulator: a small JSON HTTP API under `/_emulator/` on the emulator's own
 * port, so a bot's test suite in another process (or another language) can push events, inject faults, read what
 * arrived, and wait. Loopback clients only; POSTs must be `application/json` (a web page cannot send that
 * cross-origin without a preflight this API never answers). Nothing it returns carries the app secret or a token
 * (`redact`). The operations are in `admin-routes.ts`; docs/emulator.md "Admin API" lists them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../emulator.js';
import { adminRoutes, AdminError, type AdminRoute } from './admin-routes.js';
import { redact } from './redact.js';

export const ADMIN_PREFIX = '/_emulator';

export interface AdminDeps {
  /** The emulator, once it listens. */
  emulator(): Emulator | undefined;
  /** Values that must never leave: the app secret and every issued token, read at answer time. */
  secrets(): string[];
}

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL, rawBody: Buffer) => Promise<void>;

export function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const routes = adminRoutes();
  return async (req, res, url, rawBody) => {
    const answer = (status: number, body: unknown): void => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(redact(body, deps.secrets())));
    };
    if (!isLoopback(req.socket.remoteAddress)) return answer(403, { error: 'the admin API answers loopback clients only' });
    const emulator = deps.emulator();
    if (!emulator) return answer(503, { error: 'emulator not started' });
    const method = req.method ?? 'GET';
    if (method === 'POST' && rawBody.length > 0 && !String(req.headers['content-type'] ?? '').toLowerCase().includes('application/json')) {
      return answer(415, { error: 'POST bodies must be Content-Type: application/json' });
    }
    const path = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, '') || '/';
    const matching = routes.filter((route) => route.pattern.test(path));
    const route = matching.find((candidate) => candidate.method === method);
    if (!route) return answer(matching.length > 0 ? 405 : 404, { error: `no admin operation ${method} ${url.pathname}`, see: `GET ${ADMIN_PREFIX}/` });
    let body: Record<string, unknown> = {};
    if (rawBody.length > 0) {
      try {
        const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return answer(400, { error: 'the body must be a JSON object' });
        body = parsed as Record<string, unknown>;
      } catch {
        return answer(400, { error: 'the body is not valid JSON' });
      }
    }
    try {
      const result = await run(route, { emu: emulator, body, query: url.searchParams, params: route.pattern.exec(path)?.slice(1) ?? [] });
      answer(result.status ?? 200, result.body);
    } catch (error) {
      if (error instanceof AdminError) return answer(error.status, { error: error.message });
      answer(500, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}

function run(route: AdminRoute, ctx: Parameters<AdminRoute['handle']>[0]) {
  return Promise.resolve(route.handle(ctx));
}

/** 127.0.0.0/8 and ::1, also IPv4-mapped. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}
