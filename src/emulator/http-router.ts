/**
 * The seam between the emulator's HTTP server and the REST message endpoints (`src/emulator/rest/`).
 *
 * The server authorizes every request except the token endpoint (QQBot access token, reference §2.2) before it
 * looks for a route, records the request in `emu.requests`, and turns the `RouteResult` into the response
 * (JSON body, `X-Tps-trace-ID` header). `restRoutes()` is called once per emulator instance, so route modules may
 * keep per-instance state (sent messages, msg_seq use, quotas) in their closure.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { InboundRegistry } from './inbound.js';
import type { DispatchOptions, DispatchResult } from './types.js';

/** What a route sees of the emulator: identity, clock, the inbound registry, and event injection. */
export interface RouteEmulator {
  readonly appId: string;
  /** The bot user that READY announces (also the author of guild messages the bot sends). */
  readonly botUser: { readonly id: string; readonly username: string };
  /** The emulator clock in ms (the `now` option). */
  now(): number;
  readonly inbound: InboundRegistry;
  /** Push an event to the bot, e.g. MESSAGE_AUDIT_PASS after an audited send. */
  dispatch(type: string, data: unknown, options?: DispatchOptions): DispatchResult;
}

export interface RouteContext {
  /** The regex capture groups of `pattern`, in order (undefined groups become ''). */
  params: string[];
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  rawBody: Buffer;
  /** Request headers, names lower-case (node's IncomingHttpHeaders). */
  headers: IncomingHttpHeaders;
  /** The query string of the request URL. */
  query: URLSearchParams;
  /** The access token the request was authorized with (already validated). */
  token: string;
  /** `emu.now()` when the request arrived. */
  now: number;
  inbound: InboundRegistry;
  emu: RouteEmulator;
}

export interface RouteResult {
  status: number;
  /** Sent as JSON. Omit for an empty body (e.g. 204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EmulatorRoute {
  /** HTTP method, upper case. */
  method: string;
  /** Matched against the URL path (no query string). Anchor it: `^/v2/users/([^/]+)/messages$`. */
  pattern: RegExp;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}
