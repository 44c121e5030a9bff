import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { Secret } from '../../src/secret.js';
import { createWebhookReceiver, type WebhookEventOut, type WebhookReceiver } from '../../src/webhook/receiver.js';
import { APP_ID, OTHER_APP_ID, OTHER_SECRET, SECRET, startReceiver, TestClock, type ReceiverFixture } from './support.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { retries?: number; retryDelayMs?: number; maxBodyBytes?: number } = {}): Promise<{ emu: Emulator; fixture: ReceiverFixture }> {
  const fixture = await startReceiver(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {});
  cleanups.push(() => fixture.close());
  const emu = await startEmulator({
    appId: APP_ID,
    secret: SECRET,
    now: fixture.clock.now,
    webhook: { callbackUrl: fixture.url, retries: options.retries ?? 3, retryDelayMs: options.retryDelayMs ?? 5 },
  });
  cleanups.push(() => emu.close());
  return { emu, fixture };
}

/** A server in front of a receiver that can misbehave per request. */
async function flakyFront(receiver: WebhookReceiver, behave: (n: number, req: IncomingMessage, res: ServerResponse) => 'pass' | 'done'): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    if (behave(hits, req, res) === 'pass') receiver.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits: () => hits };
}

function receiverWithClock(clock: TestClock, secret = SECRET) {
  const events: WebhookEventOut[] = [];
  const receiver = createWebhookReceiver({ now: clock.now, bots: [{ appId: APP_ID, secret: new Secret(secret), onEvent: (e) => events.push(e) }] });
  cleanups.push(() => receiver.close());
  return { receiver, events };
}

describe('emulator webhook mode against the receiver', () => {
  it('validates the callback URL (op 13), signed and unsigned', async () => {
    const { emu, fixture } = await setup();
    const signed = await emu.webhook.validate();
    expect(signed).toMatchObject({ ok: true, status: 200 });
    const unsigned = await emu.webhook.validate({ signed: false, plainToken: 'Arq0D5A61EgUu4OxUvOp' });
    expect(unsigned).toMatchObject({ ok: true, plainToken: 'Arq0D5A61EgUu4OxUvOp' });
    expect(emu.webhook.validations).toHaveLength(2);
    const request = emu.webhook.requests[1];
    expect(request?.headers).toMatchObject({ 'user-agent': 'QQBot-Callback', 'x-bot-appid': APP_ID });
    expect(request?.headers['x-signature-ed25519']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ d: { plain_token: 'Arq0D5A61EgUu4OxUvOp', event_ts: fixture.clock.seconds() }, op: 13 });
    expect(fixture.receiver.actor.getSnapshot().value).toBe('validating');
  });

  it('reports a failed validation when the bot holds another secret', async () => {
    const clock = new TestClock();
    const { receiver } = receiverWithClock(clock, 'the-wrong-secret');
    const front = await flakyFront(receiver, () => 'pass');
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now, webhook: { callbackUrl: front.url } });
    cleanups.push(() => emu.close());
    expect(await emu.webhook.validate()).toMatchObject({ ok: false, status: 200, reason: 'signature does not verify' });
  });

  it('delivers signed dispatches with the payload helpers; the bot sees the same event shape as over the gateway', async () => {
    const { emu, fixture } = await setup();
    await emu.webhook.validate();
    const c2c = await emu.webhook.c2cMessage({ content: 'hello', userOpenid: 'U1' });
    const group = await emu.webhook.groupAtMessage({ content: 'hi' });
    await emu.webhook.friendAdd();
    expect(c2c.delivery).toMatchObject({ type: 'C2C_MESSAGE_CREATE', acknowledged: true });
    expect(c2c.delivery.attempts).toHaveLength(1);
    expect(c2c.delivery.attempts[0]).toMatchObject({ status: 200, ack: true, response: '{"op":12,"d":0}' });
    const events = fixture.all();
    expect(events.map((e) => e.type)).toEqual(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'FRIEND_ADD']);
    expect(events[0]).toEqual({ type: 'C2C_MESSAGE_CREATE', id: c2c.delivery.id, data: c2c.data });
    expect((events[0]?.data as { content: string }).content).toBe('hello');
    // What went over the wire: {op, id, d, t}, no `s` (webhook captures, reference §4.1), signed headers.
    const wire = JSON.parse(c2c.delivery.body) as Record<string, unknown>;
    expect(Object.keys(wire).sort()).toEqual(['d', 'id', 'op', 't']);
    const request = emu.webhook.requests.find((r) => r.body === c2c.delivery.body);
    expect(request?.headers).toMatchObject({ 'user-agent': 'QQBot-Callback', 'x-bot-appid': APP_ID, 'x-signature-timestamp': fixture.clock.seconds() });
    expect(request?.headers['x-signature-ed25519']).toMatch(/^[0-9a-f]{128}$/);
    // Registered for passive replies over REST.
    expect(emu.inbound.byMsgId(c2c.msgId ?? '')).toMatchObject({ scene: 'c2c', target: 'U1', eventId: c2c.delivery.id });
    expect(emu.inbound.byMsgId(group.msgId ?? '')).toMatchObject({ scene: 'group' });
    expect(fixture.receiver.actor.getSnapshot().value).toBe('serving');
  });

  it('retries when the answer is not an op 12 ACK, and the bot still sees the event once', async () => {
    const clock = new TestClock();
    const { receiver, events } = receiverWithClock(clock);
    // 1st: 502 from a proxy; 2nd: `{"op":12,"d":1}` (bot says it failed); 3rd: reaches the receiver.
    const front = await flakyFront(receiver, (n, req, res) => {
      req.resume();
      if (n === 1) {
        res.writeHead(502).end();
        return 'done';
      }
      if (n === 2) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"op":12,"d":1}');
        return 'done';
      }
      return 'pass';
    });
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now, webhook: { callbackUrl: front.url, retryDelayMs: 5 } });
    cleanups.push(() => emu.close());
    const delivery = await emu.webhook.deliver('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_r', content: 'retry me' });
    expect(delivery.acknowledged).toBe(true);
    expect(delivery.attempts.map((a) => [a.status, a.ack])).toEqual([
      [502, false],
      [200, false],
      [200, true],
    ]);
    expect(events).toHaveLength(1);
  });

  it('when the ACK is lost on the way back, the retry is deduplicated: one event', async () => {
    const clock = new TestClock();
    const { receiver, events } = receiverWithClock(clock);
    const front = await flakyFront(receiver, (n, _req, res) => {
      if (n === 1) {
        // The receiver verifies, ACKs and dispatches, but the connection dies before the answer leaves.
        res.end = ((..._args: unknown[]) => {
          res.socket?.destroy();
          return res;
        }) as typeof res.end;
      }
      return 'pass';
    });
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now, webhook: { callbackUrl: front.url, retryDelayMs: 5 } });
    cleanups.push(() => emu.close());
    const delivery = await emu.webhook.c2cMessage({ content: 'once' });
    expect(delivery.delivery.attempts.map((a) => a.status)).toEqual([0, 200]);
    expect(delivery.delivery.acknowledged).toBe(true);
    expect(events).toHaveLength(1);
    expect(receiver.actor.getSnapshot().context.counts).toMatchObject({ dispatched: 1, duplicates: 1 });
  });

  it('takes any 2xx as an ACK unless it is op 12 with a non-zero d; strictAck wants {"op":12,"d":0} (issue 15)', async () => {
    const answers = ['', '{"d":{},"op":12}', '{"code":0,"message":"success"}', '{"op":12,"d":1}'];
    const front = await flakyFront(undefined as never, (n, req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(answers[(n - 1) % answers.length]);
      return 'done';
    });
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, webhook: { callbackUrl: front.url, retries: 0, retryDelayMs: 1 } });
    cleanups.push(() => emu.close());
    const acks: boolean[] = [];
    for (let i = 0; i < answers.length; i += 1) acks.push((await emu.webhook.deliver('FRIEND_ADD', { openid: 'U' })).acknowledged);
    // NoneBot (empty 200), Satori (d: {}), qq-official-bot ({code: 0}) are ACKs; botgo's failure answer is not.
    expect(acks).toEqual([true, true, true, false]);
    emu.webhook.configure(front.url, { strictAck: true });
    const strict: boolean[] = [];
    for (let i = 0; i < answers.length; i += 1) strict.push((await emu.webhook.deliver('FRIEND_ADD', { openid: 'U' })).acknowledged);
    expect(strict).toEqual([false, false, false, false]);
  });

  it('gives up after the configured retries', async () => {
    const clock = new TestClock();
    const { receiver } = receiverWithClock(clock);
    const front = await flakyFront(receiver, (_n, req, res) => {
      req.resume();
      res.writeHead(503).end();
      return 'done';
    });
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now, webhook: { callbackUrl: front.url, retries: 2, retryDelayMs: 1 } });
    cleanups.push(() => emu.close());
    const delivery = await emu.webhook.deliver('FRIEND_ADD', { openid: 'U' });
    expect(delivery.acknowledged).toBe(false);
    expect(delivery.attempts).toHaveLength(3);
    expect(front.hits()).toBe(3);
  });

  it('fault helpers: forged, tampered, stale, future, oversized, unsigned → rejected; replay → ACK without a second event', async () => {
    const { emu, fixture } = await setup({ maxBodyBytes: 64 * 1024 });
    const first = await emu.webhook.c2cMessage({ content: 'real' });
    expect(await emu.webhook.sendForged()).toBe(401);
    expect(await emu.webhook.sendTampered()).toBe(401);
    expect(await emu.webhook.sendStale()).toBe(401);
    expect(await emu.webhook.sendStale(-3_600)).toBe(401);
    expect(await emu.webhook.sendOversized(64 * 1024 + 1)).toBe(413);
    expect(await emu.webhook.sendOversized(200 * 1024, { chunked: true })).toBe(413);
    expect(await emu.webhook.sendUnsigned()).toBe(401);
    expect(await emu.webhook.sendReplay(first.delivery.id)).toBe(200);
    expect(await emu.webhook.sendReplay()).toBe(200);
    expect(fixture.all()).toHaveLength(1);
    expect(fixture.receiver.actor.getSnapshot().context.rejectedBy).toEqual({
      'bad-signature': 2,
      'stale-timestamp': 1,
      'future-timestamp': 1,
      'body-too-large': 2,
      'missing-signature': 1,
    });
    // A replay after the window is refused.
    fixture.clock.advance(301_000);
    expect(await emu.webhook.sendReplay()).toBe(401);
    expect(emu.webhook.requests.map((r) => r.kind)).toEqual([
      'dispatch',
      'forged',
      'tampered',
      'stale',
      'stale',
      'oversized',
      'oversized',
      'unsigned',
      'replay',
      'replay',
      'replay',
    ]);
  });

  it('the default 1 MiB limit: a 1 MiB + 1 body is refused, a 1 MiB − 1 KiB body goes through', async () => {
    const { emu, fixture } = await setup();
    expect(await emu.webhook.sendOversized()).toBe(413);
    const content = 'y'.repeat(1024 * 1024 - 1024 - 400);
    const delivery = await emu.webhook.deliver('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_big', content });
    expect(delivery.acknowledged).toBe(true);
    expect(fixture.all()).toHaveLength(1);
  });

  it('two bots, two platforms, one receiver: routed by X-Bot-Appid', async () => {
    const fixture = await startReceiver({ bots: [{ appId: APP_ID, secret: SECRET }, { appId: OTHER_APP_ID, secret: OTHER_SECRET }] });
    cleanups.push(() => fixture.close());
    const one = await startEmulator({ appId: APP_ID, secret: SECRET, now: fixture.clock.now, webhook: { callbackUrl: fixture.url } });
    const two = await startEmulator({ appId: OTHER_APP_ID, secret: OTHER_SECRET, now: fixture.clock.now, webhook: { callbackUrl: fixture.url } });
    cleanups.push(() => one.close(), () => two.close());
    expect((await one.webhook.validate()).ok).toBe(true);
    expect((await two.webhook.validate()).ok).toBe(true);
    await one.webhook.c2cMessage({ content: 'for one' });
    await two.webhook.c2cMessage({ content: 'for two' });
    expect(fixture.events.get(APP_ID)?.map((e) => (e.data as { content: string }).content)).toEqual(['for one']);
    expect(fixture.events.get(OTHER_APP_ID)?.map((e) => (e.data as { content: string }).content)).toEqual(['for two']);
    // Platform one claiming to be bot two: bot two's key rejects platform one's signature.
    expect((await one.webhook.sendRaw({ appId: OTHER_APP_ID })).status).toBe(401);
    expect(fixture.all()).toHaveLength(2);
  });

  it('configure() sets the URL later; without one the helpers say what is missing', async () => {
    const fixture = await startReceiver();
    cleanups.push(() => fixture.close());
    const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: fixture.clock.now });
    cleanups.push(() => emu.close());
    await expect(emu.webhook.validate()).rejects.toThrow(/no callback URL/);
    emu.webhook.configure(fixture.url, { retryDelayMs: 1 });
    expect(emu.webhook.callbackUrl).toBe(fixture.url);
    expect((await emu.webhook.validate()).ok).toBe(true);
  });
});
