import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { QQConfigError } from '../../src/errors.js';
import { Secret } from '../../src/secret.js';
import { QQWebhookError, type WebhookRejectReason } from '../../src/webhook/errors.js';
import { createWebhookReceiver, type WebhookEventOut, type WebhookLogger } from '../../src/webhook/receiver.js';
import { signWebhookBody, webhookKeys } from '../../src/webhook/sign.js';
import { APP_ID, captureLogs, envelope, OTHER_APP_ID, OTHER_SECRET, SECRET, send, signedHeaders, startReceiver, type ReceiverFixture } from './support.js';

let fixture: ReceiverFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

interface Case {
  name: string;
  status: number;
  reason: WebhookRejectReason;
  request(f: ReceiverFixture): { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean };
}

const flipLastBits = (hex: string, bits: number): string => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[63] = (bytes[63] ?? 0) | bits;
  return bytes.toString('hex');
};

const cases: Case[] = [
  {
    name: 'no signature headers',
    status: 401,
    reason: 'missing-signature',
    request: () => ({ headers: { 'x-bot-appid': APP_ID }, body: envelope() }),
  },
  {
    name: 'a signature without a timestamp',
    status: 401,
    reason: 'missing-signature',
    request: (f) => {
      const body = envelope();
      const { 'x-signature-timestamp': _dropped, ...headers } = signedHeaders(body, f.clock.seconds());
      return { headers, body };
    },
  },
  {
    name: 'a signature that is not hex',
    status: 401,
    reason: 'malformed-signature',
    request: (f) => {
      const body = envelope();
      return { headers: { ...signedHeaders(body, f.clock.seconds()), 'x-signature-ed25519': 'zz'.repeat(64) }, body };
    },
  },
  {
    name: 'a signature of the wrong length',
    status: 401,
    reason: 'malformed-signature',
    request: (f) => {
      const body = envelope();
      const headers = signedHeaders(body, f.clock.seconds());
      return { headers: { ...headers, 'x-signature-ed25519': (headers['x-signature-ed25519'] ?? '').slice(0, 126) }, body };
    },
  },
  {
    name: 'a signature with sig[63] & 0xE0 set',
    status: 401,
    reason: 'malformed-signature',
    request: (f) => {
      const body = envelope();
      const headers = signedHeaders(body, f.clock.seconds());
      return { headers: { ...headers, 'x-signature-ed25519': flipLastBits(headers['x-signature-ed25519'] ?? '', 0x80) }, body };
    },
  },
  {
    name: 'a signature made with another key',
    status: 401,
    reason: 'bad-signature',
    request: (f) => {
      const body = envelope();
      return { headers: signedHeaders(body, f.clock.seconds(), 'not-the-secret'), body };
    },
  },
  {
    name: 'a body changed after signing',
    status: 401,
    reason: 'bad-signature',
    request: (f) => {
      const body = envelope();
      return { headers: signedHeaders(body, f.clock.seconds()), body: body.replace('hello', 'HELLO') };
    },
  },
  {
    name: 'a signature over another timestamp',
    status: 401,
    reason: 'bad-signature',
    request: (f) => {
      const body = envelope();
      return { headers: { ...signedHeaders(body, f.clock.seconds()), 'x-signature-timestamp': String(Number(f.clock.seconds()) - 1) }, body };
    },
  },
  {
    name: 'a stale timestamp (301 s old)',
    status: 401,
    reason: 'stale-timestamp',
    request: (f) => {
      const body = envelope();
      return { headers: signedHeaders(body, String(Number(f.clock.seconds()) - 301)), body };
    },
  },
  {
    name: 'a timestamp from the future (301 s ahead)',
    status: 401,
    reason: 'future-timestamp',
    request: (f) => {
      const body = envelope();
      return { headers: signedHeaders(body, String(Number(f.clock.seconds()) + 301)), body };
    },
  },
  {
    name: 'a timestamp that is not a number',
    status: 401,
    reason: 'malformed-timestamp',
    request: () => {
      const body = envelope();
      return { headers: signedHeaders(body, 'now'), body };
    },
  },
  {
    name: 'a body over the limit (Content-Length)',
    status: 413,
    reason: 'body-too-large',
    request: (f) => {
      const body = envelope('C2C_MESSAGE_CREATE', { content: 'x'.repeat(2048) });
      return { headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'a body over the limit (chunked, no Content-Length)',
    status: 413,
    reason: 'body-too-large',
    request: (f) => {
      const body = envelope('C2C_MESSAGE_CREATE', { content: 'x'.repeat(200_000) });
      return { headers: signedHeaders(body, f.clock.seconds()), body, chunked: true };
    },
  },
  {
    name: 'an X-Bot-Appid this receiver does not serve',
    status: 401,
    reason: 'unknown-app-id',
    request: (f) => {
      const body = envelope();
      return { headers: signedHeaders(body, f.clock.seconds(), SECRET, '999999'), body };
    },
  },
  {
    name: 'GET',
    status: 405,
    reason: 'method-not-allowed',
    request: () => ({ method: 'GET' }),
  },
  {
    name: 'PUT with a valid signature',
    status: 405,
    reason: 'method-not-allowed',
    request: (f) => {
      const body = envelope();
      return { method: 'PUT', headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'bad JSON after a valid signature',
    status: 400,
    reason: 'bad-json',
    request: (f) => {
      const body = '{"op":0,"id":"X","d":{},"t":"C2C_MESSAGE_CREATE"';
      return { headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'signed JSON that is not an envelope',
    status: 400,
    reason: 'bad-payload',
    request: (f) => {
      const body = '[1,2,3]';
      return { headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'a signed op 0 without t',
    status: 400,
    reason: 'bad-payload',
    request: (f) => {
      const body = '{"op":0,"id":"X","d":{}}';
      return { headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'a signed op the webhook does not use (op 7)',
    status: 400,
    reason: 'unsupported-op',
    request: (f) => {
      const body = '{"op":7}';
      return { headers: signedHeaders(body, f.clock.seconds()), body };
    },
  },
  {
    name: 'an empty signed body',
    status: 400,
    reason: 'bad-json',
    request: (f) => ({ headers: signedHeaders('', f.clock.seconds()), body: '' }),
  },
  {
    name: 'op 13 without its fields',
    status: 400,
    reason: 'bad-payload',
    request: () => ({ headers: { 'x-bot-appid': APP_ID }, body: '{"op":13,"d":{"plain_token":1}}' }),
  },
  {
    name: 'op 13 whose challenge would sign a forged dispatch (signing oracle)',
    status: 400,
    reason: 'unsafe-validation-token',
    request: (f) => ({
      headers: { 'x-bot-appid': APP_ID },
      body: JSON.stringify({ op: 13, d: { event_ts: f.clock.seconds(), plain_token: envelope() } }),
    }),
  },
];

describe('every rejection path answers the right status and dispatches nothing', () => {
  it.each(cases)('$name → $status ($reason)', async ({ request, status, reason }) => {
    fixture = await startReceiver({ maxBodyBytes: 1024 });
    const answer = await send(fixture.url, request(fixture));
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toEqual({ code: status, message: reason });
    expect(fixture.all()).toEqual([]);
    const context = fixture.receiver.actor.getSnapshot().context;
    expect(context.counts).toMatchObject({ dispatched: 0, rejected: 1 });
    expect(context.rejectedBy).toEqual({ [reason]: 1 });
    expect(context.lastRejection).toMatchObject({ reason, status });
    expect(fixture.errors).toHaveLength(1);
    expect(fixture.errors[0]).toBeInstanceOf(QQWebhookError);
    expect(fixture.errors[0]).toMatchObject({ code: 'WEBHOOK', reason, status, fatal: false });
    // The receiver keeps serving after any rejection.
    const body = envelope();
    const ok = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(ok.status).toBe(200);
    expect(fixture.all()).toHaveLength(1);
  });

  it('405 names the allowed method', async () => {
    fixture = await startReceiver();
    const answer = await send(fixture.url, { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it('the signing oracle is closed: a forged dispatch cannot borrow an op 13 answer', async () => {
    fixture = await startReceiver();
    const timestamp = fixture.clock.seconds();
    const forged = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_forged', content: 'rm -rf', author: { user_openid: 'ATTACKER' } });
    const challenge = await send(fixture.url, { headers: { 'x-bot-appid': APP_ID }, body: JSON.stringify({ op: 13, d: { event_ts: timestamp, plain_token: forged } }) });
    expect(challenge.status).toBe(400);
    expect(challenge.body).not.toContain('signature');
    expect(fixture.all()).toEqual([]);
  });

  it('a timestamp exactly at the edge of the window is accepted', async () => {
    fixture = await startReceiver();
    const body = envelope();
    const answer = await send(fixture.url, { headers: signedHeaders(body, String(Number(fixture.clock.seconds()) - 300)), body });
    expect(answer.status).toBe(200);
    expect(fixture.all()).toHaveLength(1);
  });

  it('a configured freshness window and body limit apply', async () => {
    fixture = await startReceiver({ freshnessWindowSeconds: 10, maxBodyBytes: 100_000 });
    const body = envelope('C2C_MESSAGE_CREATE', { content: 'x'.repeat(50_000) });
    expect((await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body })).status).toBe(200);
    expect((await send(fixture.url, { headers: signedHeaders(body, String(Number(fixture.clock.seconds()) - 11)), body })).status).toBe(401);
  });

  it('other paths on the server get 404 and reach no bot', async () => {
    fixture = await startReceiver({ path: '/qqbot' });
    const body = envelope();
    const answer = await send(fixture.url.replace('/qqbot', '/elsewhere'), { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(answer.status).toBe(404);
    expect(fixture.all()).toEqual([]);
  });

  it('a closed receiver answers 503 and dispatches nothing', async () => {
    fixture = await startReceiver();
    fixture.receiver.close();
    expect(fixture.receiver.actor.getSnapshot().status).toBe('done');
    const body = envelope();
    const answer = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(answer.status).toBe(503);
    expect(fixture.all()).toEqual([]);
  });
});

describe('routing several bots on one receiver (X-Bot-Appid)', () => {
  const bots = [
    { appId: APP_ID, secret: SECRET },
    { appId: OTHER_APP_ID, secret: OTHER_SECRET },
  ];

  it('routes each request to its bot and verifies with that bot’s key', async () => {
    fixture = await startReceiver({ bots });
    const first = envelope();
    const second = envelope('GROUP_AT_MESSAGE_CREATE');
    expect((await send(fixture.url, { headers: signedHeaders(first, fixture.clock.seconds(), SECRET, APP_ID), body: first })).status).toBe(200);
    expect((await send(fixture.url, { headers: signedHeaders(second, fixture.clock.seconds(), OTHER_SECRET, OTHER_APP_ID), body: second })).status).toBe(200);
    expect(fixture.events.get(APP_ID)?.map((e) => e.type)).toEqual(['C2C_MESSAGE_CREATE']);
    expect(fixture.events.get(OTHER_APP_ID)?.map((e) => e.type)).toEqual(['GROUP_AT_MESSAGE_CREATE']);
  });

  it('one bot’s signature does not open another bot’s door', async () => {
    fixture = await startReceiver({ bots });
    const body = envelope();
    const answer = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds(), SECRET, OTHER_APP_ID), body });
    expect(answer.status).toBe(401);
    expect(fixture.all()).toEqual([]);
  });

  it('without X-Bot-Appid: 400 when several bots share the receiver', async () => {
    fixture = await startReceiver({ bots });
    const body = envelope();
    const answer = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds(), SECRET, null), body });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ code: 400, message: 'missing-app-id' });
  });

  it('without X-Bot-Appid: accepted when the receiver serves one bot', async () => {
    fixture = await startReceiver();
    const body = envelope();
    const answer = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds(), SECRET, null), body });
    expect(answer.status).toBe(200);
    expect(fixture.all()).toHaveLength(1);
  });
});

describe('mounting behind a framework that read the body first', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function mount(prepare: (req: IncomingMessage & { body?: unknown; rawBody?: unknown }, raw: Buffer) => void) {
    const events: WebhookEventOut[] = [];
    const statuses: number[] = [];
    const receiver = createWebhookReceiver({ bots: [{ appId: APP_ID, secret: new Secret(SECRET), onEvent: (e) => events.push(e) }], onError: (e) => statuses.push((e as QQWebhookError).status) });
    server = createServer((req, res) => {
      // What body-parser / a content-type parser does: consume the stream, then hand on.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        prepare(req, Buffer.concat(chunks));
        receiver.handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { receiver, events, statuses, url };
  }

  it('uses req.rawBody (Buffer)', async () => {
    const { events, url, receiver } = await mount((req, raw) => {
      req.rawBody = raw;
      req.body = JSON.parse(raw.toString()) as unknown;
    });
    const body = envelope();
    expect((await send(url, { headers: signedHeaders(body, String(Math.floor(Date.now() / 1000))), body })).status).toBe(200);
    expect(events).toHaveLength(1);
    receiver.close();
  });

  it('uses a Buffer req.body (express.raw())', async () => {
    const { events, url, receiver } = await mount((req, raw) => {
      req.body = raw;
    });
    const body = envelope();
    expect((await send(url, { headers: signedHeaders(body, String(Math.floor(Date.now() / 1000))), body })).status).toBe(200);
    expect(events).toHaveLength(1);
    receiver.close();
  });

  it('answers 500 (and says why) when only a parsed object is left: the signed bytes are gone', async () => {
    const { events, url, statuses, receiver } = await mount((req, raw) => {
      req.body = JSON.parse(raw.toString()) as unknown;
    });
    const body = envelope();
    const answer = await send(url, { headers: signedHeaders(body, String(Math.floor(Date.now() / 1000))), body });
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ code: 500, message: 'body-consumed' });
    expect(events).toEqual([]);
    expect(statuses).toEqual([500]);
    receiver.close();
  });
});

describe('options', () => {
  const bot = { appId: APP_ID, secret: new Secret(SECRET), onEvent: () => undefined };
  it.each([
    ['no bots', { bots: [] }],
    ['a duplicate app id', { bots: [bot, bot] }],
    ['a plain-string secret', { bots: [{ ...bot, secret: SECRET as unknown as Secret }] }],
    ['an empty secret', { bots: [{ ...bot, secret: new Secret('') }] }],
    ['a zero body limit', { bots: [bot], maxBodyBytes: 0 }],
    ['a negative window', { bots: [bot], freshnessWindowSeconds: -1 }],
    ['a fractional replay cache', { bots: [bot], replayCacheSize: 1.5 }],
  ])('%s is a QQConfigError', (_name, options) => {
    expect(() => createWebhookReceiver(options)).toThrow(QQConfigError);
  });

  it('the signature helper and the receiver agree on the message (timestamp + raw body)', () => {
    expect(signWebhookBody(webhookKeys(SECRET), '1', 'x')).toBe(signWebhookBody(webhookKeys(new Secret(SECRET)), '1', Buffer.from('x')));
  });
});

describe('logging', () => {
  it('takes a pino logger; logs reasons, never the secret, a signature or a body', async () => {
    const logs = captureLogs('debug');
    const logger: WebhookLogger = logs.logger;
    fixture = await startReceiver({ logger });
    const body = envelope('C2C_MESSAGE_CREATE', { content: 'secret-looking-body-text' });
    const headers = signedHeaders(body, fixture.clock.seconds());
    await send(fixture.url, { headers, body });
    await send(fixture.url, { headers: { ...headers, 'x-signature-timestamp': '1' }, body });
    await send(fixture.url, { body: JSON.stringify({ op: 13, d: { plain_token: 'abc', event_ts: '1' } }) });
    const text = logs.text();
    expect(text).toContain('stale-timestamp');
    expect(text).toContain('op 13');
    expect(text).toContain('webhook: dispatch');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(headers['x-signature-ed25519']);
    expect(text).not.toContain('secret-looking-body-text');
  });
});
