/** The admin API's operations one by one, in process (the cross-process flow is admin-api.test.ts). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLoopback } from '../../src/emulator/admin/admin-http.js';
import { redact } from '../../src/emulator/admin/redact.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { APP_ID, connectAndIdentify, fetchToken, SECRET, startTestEmulator, type TestClock } from './support/emulator-fixture.js';

let emu: Emulator;
let clock: TestClock;
beforeEach(async () => {
  ({ emu, clock } = await startTestEmulator({ admin: true }));
});
afterEach(async () => {
  await emu.close();
});

async function admin(method: 'GET' | 'POST', path: string, body: unknown = method === 'POST' ? {} : undefined) {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('admin API switch', () => {
  it('is off unless asked for: /_emulator/ is then an ordinary unknown platform path (401 without a token)', async () => {
    const plain = await startEmulator({ appId: APP_ID, secret: SECRET });
    try {
      expect((await fetch(`${plain.url}/_emulator/`)).status).toBe(401);
    } finally {
      await plain.close();
    }
  });

  it('is not platform traffic: admin calls are not in emu.requests and do not consume faults', async () => {
    emu.failTokenEndpoint(1, '5xx');
    await admin('GET', '/state');
    expect(emu.requests).toHaveLength(0);
    expect((await fetch(emu.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(500);
  });
});

describe('events', () => {
  it.each([
    ['c2c-message', { content: 'hi' }, 'C2C_MESSAGE_CREATE'],
    ['group-at-message', { content: 'hi' }, 'GROUP_AT_MESSAGE_CREATE'],
    ['guild-at-message', { content: 'hi' }, 'AT_MESSAGE_CREATE'],
    ['direct-message', { content: 'hi' }, 'DIRECT_MESSAGE_CREATE'],
    ['interaction', { scene: 'group', buttonData: 'ok' }, 'INTERACTION_CREATE'],
    ['friend-add', {}, 'FRIEND_ADD'],
    ['group-add-robot', {}, 'GROUP_ADD_ROBOT'],
  ])('%s pushes %s to the connected bot', async (kind, body, type) => {
    const { client } = await connectAndIdentify(emu);
    const res = await admin('POST', `/events/${kind}`, body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ delivered: true, s: 2 });
    const frame = await client.next(0);
    expect(frame).toMatchObject({ t: type, id: res.json.id });
    await client.close();
  });

  it('any event with /events/dispatch; bad bodies are 400 naming the field', async () => {
    const { client } = await connectAndIdentify(emu);
    expect((await admin('POST', '/events/dispatch', { type: 'GROUP_MSG_RECEIVE', data: { group_openid: 'G', op_member_openid: 'M', timestamp: 1 } })).json).toMatchObject({ delivered: true });
    expect((await client.next(0)).t).toBe('GROUP_MSG_RECEIVE');
    expect(await admin('POST', '/events/c2c-message', {})).toMatchObject({ status: 400, json: { error: '"content" must be a string' } });
    expect(await admin('POST', '/events/interaction', { scene: 'moon' })).toMatchObject({ status: 400 });
    expect(await admin('POST', '/events/c2c-message', { content: 'x', transport: 'webhook' })).toMatchObject({ status: 409 });
    await client.close();
  });
});

describe('webhook mode through the admin API', () => {
  it('configures the callback, runs the op 13 validation, and delivers an event by webhook', async () => {
    const bodies: Array<{ op: number; t?: string; d: Record<string, string> }> = [];
    const callback = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        const body = JSON.parse(text) as { op: number; t?: string; d: Record<string, string> };
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' });
        // Not a signing bot: answers op 13 without a signature, so the validation reports ok: false.
        res.end(body.op === 13 ? JSON.stringify({ plain_token: body.d.plain_token, signature: '00' }) : '');
      });
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/qqbot`;
      expect((await admin('POST', '/webhook/configure', { url, retries: 0 })).json).toEqual({ callbackUrl: url });
      expect((await admin('POST', '/webhook/validate')).json).toMatchObject({ status: 200, ok: false });
      const pushed = await admin('POST', '/events/group-at-message', { content: 'hi', transport: 'webhook' });
      expect(pushed.json).toMatchObject({ delivery: { type: 'GROUP_AT_MESSAGE_CREATE', acknowledged: true } });
      expect(bodies.map((body) => body.t ?? body.op)).toEqual([13, 'GROUP_AT_MESSAGE_CREATE']);
      expect(((await admin('GET', '/webhook/deliveries')).json.items as unknown[]).length).toBe(1);
      expect((await admin('POST', '/webhook/configure', { url: 'ftp://x' })).status).toBe(400);
    } finally {
      await new Promise<void>((resolve) => callback.close(() => resolve()));
    }
  });
});

describe('gateway faults', () => {
  it('close, op 7, op 9, server heartbeat, malformed frames reach the socket; counts come back as hit', async () => {
    const { client } = await connectAndIdentify(emu);
    expect((await admin('POST', '/faults/reconnect')).json).toEqual({ hit: 1 });
    expect((await client.next(7)).op).toBe(7);
    expect((await admin('POST', '/faults/invalid-session', { resumable: true })).json).toEqual({ hit: 1 });
    expect(await client.next(9)).toMatchObject({ d: true });
    expect((await admin('POST', '/faults/heartbeat-request')).json).toEqual({ hit: 1 });
    expect(await client.next(1)).toMatchObject({ op: 1 });
    expect((await admin('POST', '/faults/malformed', { kind: 'bad-json' })).json).toEqual({ hit: 1 });
    expect(await client.next(-1)).toMatchObject({ op: -1 });
    expect((await admin('POST', '/faults/close', { code: 4009 })).json).toEqual({ hit: 1 });
    expect(await client.closed).toEqual({ code: 4009, reason: 'Session timed out' });
    expect((await admin('POST', '/faults/close', { code: 4009 })).json).toEqual({ hit: 0 });
    expect((await admin('POST', '/faults/invalid-session', {})).status).toBe(400);
    expect((await admin('POST', '/faults/malformed', { kind: 'nonsense' })).status).toBe(400);
  });

  it('drop cuts TCP (1006); zombie and suspended ACKs silence heartbeats', async () => {
    const dropped = await connectAndIdentify(emu);
    expect((await admin('POST', '/faults/drop', { connection: 1 })).json).toEqual({ hit: 1 });
    expect((await dropped.client.closed).code).toBe(1006);
    clock.advance(5_000); // the identify window (max_concurrency 1 per 5 s)

    const { client } = await connectAndIdentify(emu, { token: dropped.token });
    await admin('POST', '/faults/suspend-heartbeat-acks');
    client.send({ op: 1, d: 2 });
    await emu.waitFor(() => emu.connections.at(-1)!.heartbeats.length === 1);
    await admin('POST', '/faults/resume-heartbeat-acks');
    client.send({ op: 1, d: 2 });
    expect(await client.next(11)).toMatchObject({ op: 11 });
    expect(client.frames.filter((f) => f.op === 11)).toHaveLength(1);
    expect((await admin('POST', '/faults/zombie', { shard: 0 })).json).toEqual({ hit: 1 });
    await client.close();
  });
});

describe('HTTP faults', () => {
  it('token-endpoint, gateway-endpoint and expire-tokens', async () => {
    const { access_token: token } = await fetchToken(emu);
    expect((await admin('POST', '/faults/token-endpoint', { count: 1, kind: '5xx', status: 503 })).json).toEqual({ done: true });
    const failed = await fetch(emu.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: APP_ID, clientSecret: SECRET }) });
    expect(failed.status).toBe(503);
    await admin('POST', '/faults/gateway-endpoint', { count: 1, kind: 'error-code' });
    const gateway = await fetch(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token}` } });
    expect(await gateway.json()).toMatchObject({ code: 100002 });
    await admin('POST', '/faults/expire-tokens');
    expect((await fetch(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token}` } })).status).toBe(401);
    expect((await admin('POST', '/faults/token-endpoint', { count: 0, kind: '5xx' })).status).toBe(400);
    expect((await admin('POST', '/faults/token-endpoint', { count: 1, kind: 'explode' })).status).toBe(400);
  });
});

describe('reading and waiting', () => {
  it('pages records with ?since=, and a wait resolves when the thing happens (long-poll)', async () => {
    const { token } = await connectAndIdentify(emu);
    const waiting = admin('GET', '/wait/sent?scene=c2c&timeoutMs=5000');
    const pushed = emu.c2cMessage({ content: 'ping' });
    await fetch(`${emu.apiBase}/v2/users/${(pushed.data.author as { user_openid: string }).user_openid}/messages`, {
      method: 'POST',
      headers: { authorization: `QQBot ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'pong', msg_id: pushed.msgId }),
    });
    expect((await waiting).json).toMatchObject({ index: 0, sent: { scene: 'c2c', msgId: pushed.msgId } });
    const requests = await admin('GET', '/requests?since=1');
    expect(requests.json).toMatchObject({ since: 1 });
    expect((requests.json.items as unknown[]).length).toBe((requests.json.next as number) - 1);
    expect((await admin('GET', '/wait/ready')).json).toMatchObject({ shard: [0, 1], buffered: 1 });
    expect((await admin('GET', '/wait/close?timeoutMs=20')).status).toBe(408);
    expect((await admin('GET', '/wait/frame')).status).toBe(400);
    expect((await admin('GET', '/wait/ready?timeoutMs=999999')).status).toBe(400);
  });
});

describe('secrets', () => {
  it('redact() drops credential fields (keeping the auth scheme) and every known secret inside other strings', () => {
    const out = redact(
      {
        headers: { authorization: 'QQBot tok-123456', Authorization: 'Bot 1.abcdefg' },
        body: { clientSecret: 'sekret-value', note: 'the token tok-123456 leaked here' },
        d: { token: 'QQBot tok-123456', session_id: 's' },
      },
      ['tok-123456', 'sekret-value', 'x'],
    );
    expect(out).toEqual({
      headers: { authorization: 'QQBot <redacted>', Authorization: 'Bot <redacted>' },
      body: { clientSecret: '<redacted>', note: 'the token <redacted> leaked here' },
      d: { token: 'QQBot <redacted>', session_id: 's' },
    });
  });

  it('isLoopback accepts 127/8 and ::1 (also IPv4-mapped) and nothing else', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '192.168.1.2', 'fe80::1', '', undefined]) expect(isLoopback(address)).toBe(false);
  });
});
