import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyPayload, parseJson } from '../../src/webhook/payload.js';
import { signWebhookBody, webhookKeys } from '../../src/webhook/sign.js';
import { checkTimestamp, decodeSignature, verifyWebhookRequest } from '../../src/webhook/verify.js';
import { APP_ID, envelope, SECRET, send, signedHeaders, startReceiver, type ReceiverFixture } from './support.js';

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chars = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[int(alphabet.length)]).join('');
  const bytes = (length: number): Buffer => Buffer.from(Array.from({ length }, () => int(256)));
  return { next, int, pick, chars, bytes };
}

type Rng = ReturnType<typeof prng>;
const HEX = '0123456789abcdef';
const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

function randomJson(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 2 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, 1, 7, 12, 13, -1, 1e308, 3.5, Number.MAX_SAFE_INTEGER]);
    case 3:
      return rng.chars(PRINTABLE, rng.int(20));
    case 4:
      return rng.pick(['C2C_MESSAGE_CREATE', '', '{', '__proto__', 'constructor']);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i -= 1) object[rng.pick(['op', 'd', 't', 'id', 's', '__proto__', 'plain_token', 'event_ts', rng.chars(PRINTABLE, 3)])] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

/** A random request that must never be dispatched. */
function randomRequest(rng: Rng, nowSeconds: number): { method: string; headers: Record<string, string>; body: Buffer } {
  const method = rng.next() < 0.9 ? 'POST' : rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  const valid = envelope(rng.pick(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'FRIEND_ADD']), { id: `ROBOT1.0_${rng.chars(HEX, 8)}`, content: rng.chars(PRINTABLE, 12) });
  let body: Buffer;
  switch (rng.int(5)) {
    case 0:
      body = rng.bytes(rng.int(300));
      break;
    case 1:
      body = Buffer.from(JSON.stringify(randomJson(rng)) ?? '');
      break;
    case 2: {
      // A valid envelope, mutated: flipped bytes, truncated, or extended.
      body = Buffer.from(valid);
      const mutation = rng.int(3);
      if (mutation === 0) for (let i = 1 + rng.int(4); i > 0; i -= 1) body[rng.int(body.length)] = rng.int(256);
      else if (mutation === 1) body = body.subarray(0, rng.int(body.length));
      else body = Buffer.concat([body, Buffer.from(rng.chars(PRINTABLE, 1 + rng.int(10)))]);
      break;
    }
    case 3:
      body = Buffer.from(valid);
      break;
    default:
      body = Buffer.from(rng.chars(PRINTABLE, rng.int(200)));
  }
  const headers: Record<string, string> = {};
  if (rng.next() < 0.8) headers['x-bot-appid'] = rng.next() < 0.8 ? APP_ID : rng.chars(PRINTABLE.trim(), rng.int(12));
  if (rng.next() < 0.5) headers['content-type'] = rng.pick(['application/json', 'text/plain', 'application/octet-stream', '']);
  // Signatures: random hex of random length, a real signature over something else, or by another key.
  const timestamp = rng.pick([String(nowSeconds), String(nowSeconds - rng.int(1_000)), String(nowSeconds + rng.int(1_000)), rng.chars('0123456789', rng.int(16)), rng.chars(PRINTABLE.trim(), 5)]);
  const signature = rng.pick([
    () => rng.chars(HEX, rng.pick([0, 1, 64, 126, 127, 128, 129, 256])),
    () => rng.chars(PRINTABLE.trim(), 128),
    () => signWebhookBody(webhookKeys(`not-${SECRET}`), timestamp, body),
    () => signWebhookBody(webhookKeys(SECRET), timestamp, `${body.toString('latin1')} `),
    () => signWebhookBody(webhookKeys(SECRET), String(Number(timestamp) + 1), body),
  ])();
  if (rng.next() < 0.85) headers['x-signature-ed25519'] = signature;
  if (rng.next() < 0.85) headers['x-signature-timestamp'] = timestamp;
  if (rng.next() < 0.1) {
    // Correctly signed and fresh, but not something to dispatch: exercises the checks after the signature.
    const kind = classifyPayload(parseJson(body)).kind;
    if (kind === 'dispatch' || kind === 'heartbeat') body = Buffer.concat([Buffer.from('#'), body]);
    headers['x-bot-appid'] = APP_ID;
    headers['x-signature-timestamp'] = String(nowSeconds);
    headers['x-signature-ed25519'] = signWebhookBody(webhookKeys(SECRET), String(nowSeconds), body);
  }
  for (let i = rng.int(3); i > 0; i -= 1) headers[`x-${rng.chars('abcdefghijklmnopqrstuvwxyz', 6)}`] = rng.chars(PRINTABLE.trim(), rng.int(40));
  return { method, headers, body };
}

const unexpected: unknown[] = [];
const onUnexpected = (error: unknown): void => {
  unexpected.push(error);
};
let fixture: ReceiverFixture | undefined;

beforeEach(() => {
  unexpected.length = 0;
  process.on('unhandledRejection', onUnexpected);
  process.on('uncaughtException', onUnexpected);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnexpected);
  process.off('uncaughtException', onUnexpected);
  await fixture?.close();
  fixture = undefined;
});

describe('fuzzed requests', () => {
  it.each([[0x5eed], [20250101], [7]])('seed %i: 1000 random requests, never a crash, always a 4xx, never a dispatch', async (seed) => {
    fixture = await startReceiver({ maxBodyBytes: 4096 });
    const rng = prng(seed);
    const nowSeconds = Number(fixture.clock.seconds());
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 50; batch += 1) {
      const requests = Array.from({ length: 20 }, () => randomRequest(rng, nowSeconds));
      const answers = await Promise.all(requests.map((request) => send(fixture!.url, request)));
      answers.forEach((answer, i) => {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const request = requests[i];
        if (answer.status === 200) {
          // Only an op 13 challenge may be answered 200 without a signature, and never with a dispatch.
          expect(JSON.parse(answer.body)).toHaveProperty('plain_token');
          expect(JSON.parse(request?.body.toString() ?? '')).toMatchObject({ op: 13 });
        } else {
          expect(answer.status, `request ${JSON.stringify({ ...request, body: request?.body.toString('base64') })}`).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        }
      });
    }
    expect(fixture.all()).toEqual([]);
    expect(unexpected).toEqual([]);
    expect([...statuses.keys()].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    // The generator reaches the interesting paths, not just one of them.
    for (const status of [400, 401, 405]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    // Still healthy afterwards.
    const body = envelope();
    expect((await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body })).status).toBe(200);
    expect(fixture.all()).toHaveLength(1);
  });

  it('raw TCP garbage and cut-off requests do not take the server down', async () => {
    fixture = await startReceiver();
    const rng = prng(99);
    const { port, hostname } = new URL(fixture.url);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(port), hostname, () => {
            if (i % 3 === 0) socket.write(rng.bytes(1 + rng.int(500)));
            else if (i % 3 === 1) socket.write(`POST /qqbot HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Bot-Appid: ${APP_ID}\r\n\r\n{"op":0,`);
            else socket.write(`POST /qqbot HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`);
            setTimeout(() => socket.destroy(), 20);
          });
          socket.on('error', () => undefined);
          socket.on('close', () => resolve());
        }),
      ),
    );
    const body = envelope();
    expect((await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body })).status).toBe(200);
    expect(fixture.all()).toHaveLength(1);
    expect(unexpected).toEqual([]);
  });

  it('the pure checks never throw on 20000 random inputs', () => {
    const rng = prng(4242);
    const keys = webhookKeys(SECRET);
    const failures: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const body = rng.next() < 0.5 ? rng.bytes(rng.int(64)) : Buffer.from(JSON.stringify(randomJson(rng)) ?? '');
      const hex = rng.chars(rng.next() < 0.5 ? HEX : PRINTABLE, rng.pick([0, 64, 127, 128, 129]));
      const headers = { 'x-signature-ed25519': hex, 'x-signature-timestamp': rng.chars('0123456789', rng.int(12)) };
      try {
        classifyPayload(parseJson(body));
        decodeSignature(hex);
        checkTimestamp(rng.chars(PRINTABLE, rng.int(20)), Date.now(), 300);
        if (verifyWebhookRequest({ keys, headers, body, nowMs: Date.now(), windowSeconds: Number.POSITIVE_INFINITY }).ok) failures.push(`verified: ${hex}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
    expect(failures).toEqual([]);
  });
});
