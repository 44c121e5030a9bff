/** Shared setup for the webhook tests: a hand-moved clock, a receiver on a real server, a raw client. */
import { Writable } from 'node:stream';
import type { QQBotError } from '../../src/errors.js';
import { createDefaultLogger } from '../../src/log.js';
import { post, type PostResult } from '../../src/emulator/webhook/http-post.js';
import { Secret } from '../../src/secret.js';
import { createWebhookReceiver, startWebhookServer, type WebhookEventOut, type WebhookReceiver, type WebhookReceiverOptions, type WebhookServer } from '../../src/webhook/receiver.js';
import { signWebhookBody, webhookKeys } from '../../src/webhook/sign.js';

export const APP_ID = '102000001';
export const SECRET = 'emulator-secret-0123456789';
export const OTHER_APP_ID = '102000002';
export const OTHER_SECRET = 'another-bot-secret-xyz';

/** A clock tests move by hand (ms). */
export class TestClock {
  t = Date.UTC(2025, 0, 1, 0, 0, 0);
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  seconds(): string {
    return String(Math.floor(this.t / 1000));
  }
}

export interface ReceiverFixture {
  receiver: WebhookReceiver;
  server: WebhookServer;
  url: string;
  clock: TestClock;
  /** Events per app id, in arrival order. */
  events: Map<string, WebhookEventOut[]>;
  /** Every event of every bot. */
  all(): WebhookEventOut[];
  errors: QQBotError[];
  close(): Promise<void>;
}

export async function startReceiver(
  options: Partial<Omit<WebhookReceiverOptions, 'bots'>> & { bots?: Array<{ appId: string; secret: string }>; path?: string } = {},
): Promise<ReceiverFixture> {
  const clock = new TestClock();
  const events = new Map<string, WebhookEventOut[]>();
  const errors: QQBotError[] = [];
  const { bots = [{ appId: APP_ID, secret: SECRET }], path = '/qqbot', ...rest } = options;
  const receiver = createWebhookReceiver({
    now: clock.now,
    onError: (error) => errors.push(error),
    ...rest,
    bots: bots.map(({ appId, secret }) => {
      events.set(appId, []);
      return { appId, secret: new Secret(secret), onEvent: (event: WebhookEventOut) => events.get(appId)?.push(event) };
    }),
  });
  const server = await startWebhookServer(receiver, { path });
  return {
    receiver,
    server,
    url: server.url,
    clock,
    events,
    all: () => [...events.values()].flat(),
    errors,
    async close() {
      receiver.close();
      await server.close();
    },
  };
}

/** A dispatch envelope as the platform sends it (no `s`). */
export function envelope(type = 'C2C_MESSAGE_CREATE', d: unknown = { id: 'ROBOT1.0_test', content: 'hello', author: { user_openid: 'U1' } }, id = `${type}:${Math.random().toString(36).slice(2)}`): string {
  return JSON.stringify({ op: 0, id, d, t: type });
}

/** Headers of a request signed with `secret` at `timestamp`. */
export function signedHeaders(body: string | Buffer, timestamp: string, secret = SECRET, appId: string | null = APP_ID): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'QQBot-Callback',
    'x-signature-ed25519': signWebhookBody(webhookKeys(secret), timestamp, body),
    'x-signature-timestamp': timestamp,
  };
  if (appId !== null) headers['x-bot-appid'] = appId;
  return headers;
}

export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<PostResult> {
  return post(new URL(url), {
    method: options.method ?? 'POST',
    headers: options.headers ?? {},
    body: Buffer.from(options.body ?? ''),
    timeoutMs: 5_000,
    ...(options.chunked ? { chunked: true } : {}),
  });
}

/** A pino logger whose JSON lines tests can read. */
export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createDefaultLogger({ level, destination }), lines, text: () => lines.join('\n') };
}
