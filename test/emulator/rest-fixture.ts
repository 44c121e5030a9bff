/**
 * Helpers for the REST endpoint tests: an emulator with a token and a small `api()` over fetch (end-to-end), and a
 * harness that calls the routes of one `createRestEmulator()` directly, for assertions on its recorded state.
 */
import { DEFAULT_BOT_USER, InboundRegistry, type Emulator, type RouteContext, type RouteResult } from '../../src/emulator/index.js';
import { createRestEmulator, type RestEmulator, type RestEmulatorOptions } from '../../src/emulator/rest/index.js';
import { fetchToken, startTestEmulator, TestClock } from './support/emulator-fixture.js';

export const MINUTE = 60_000;

/**
 * REST samples copied from shared/protocol/samples (provenance in its SOURCES.md), so the tests run from a clean
 * clone of this repository alone.
 */
export const samples = {
  /** error_event_id_not_replyable.captured.json (field capture, Lrobot). */
  eventIdNotReplyable: { message: '请求参数event_id对应事件不能回复消息', code: 40034027, err_code: 40034027, trace_id: '12c7dfb902497f6b211c1d3c8a6a9d42' },
  /** c2c_send_message_response.captured.json (field capture, Lrobot). */
  c2cSendResponse: {
    id: 'ROBOT1.0_-vh8GQMXamm82CP8NyBAyAMnXBZgzqfB5m7T-NJ1LZfB-93hxA47spViToX6-JLx6a778A74yX2PnVj6vlAX4A!!',
    timestamp: '2025-03-13T23:30:49+08:00',
  },
  /** channel_message_send_response.captured.json (guanguans/notify test mock of an HTTP 200). */
  channelSendResponse: {
    id: '08efdfa1b3e1d4d6e246109fbe8702383048e4d0ccae06',
    channel_id: '4316959',
    guild_id: '5099581822453968879',
    content: 'This is content.',
    timestamp: '2024-02-19T18:07:32+08:00',
    tts: false,
    mention_everyone: false,
    author: { id: '7938900097687957410', username: '', avatar: '', bot: true },
    pinned: false,
    type: 0,
    flags: 0,
    seq_in_channel: '48',
  },
} as const;

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** `X-Tps-trace-ID`. */
  traceId: string | null;
  /** Raw text, '' for an empty body. */
  text: string;
}

export interface RestTestbed {
  emu: Emulator;
  clock: TestClock;
  token: string;
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
}

export async function startRestTestbed(): Promise<RestTestbed> {
  const { emu, clock } = await startTestEmulator();
  const { access_token: token } = await fetchToken(emu);
  const api = async <T,>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> => {
    const init: RequestInit = { method, headers: { authorization: `QQBot ${token}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body);
      if (!(body instanceof FormData)) (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${emu.apiBase}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T, traceId: res.headers.get('x-tps-trace-id'), text };
  };
  return { emu, clock, token, api };
}

/** Routes of one REST emulator called like the core calls them, without a server. */
export class RestHarness {
  readonly clock = new TestClock();
  readonly inbound = new InboundRegistry();
  readonly rest: RestEmulator;

  constructor(options?: RestEmulatorOptions) {
    this.rest = createRestEmulator(options);
  }

  get state(): RestEmulator['state'] {
    return this.rest.state;
  }

  async call(method: string, pathWithQuery: string, body?: unknown): Promise<RouteResult> {
    const url = new URL(pathWithQuery, 'http://harness.invalid');
    const route = this.rest.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) throw new Error(`no route for ${method} ${url.pathname}`);
    const match = route.pattern.exec(url.pathname) ?? [];
    const ctx: RouteContext = {
      params: match.slice(1).map((group) => group ?? ''),
      body,
      rawBody: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      headers: { 'content-type': 'application/json' },
      query: url.searchParams,
      token: 'harness-token',
      now: this.clock.t,
      inbound: this.inbound,
      emu: {
        appId: '102000001',
        botUser: DEFAULT_BOT_USER,
        now: this.clock.now,
        inbound: this.inbound,
        dispatch: () => {
          throw new Error('dispatch is not available in the harness');
        },
      },
    };
    return route.handle(ctx);
  }
}
