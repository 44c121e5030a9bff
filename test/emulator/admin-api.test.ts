/**
 * The admin API from the outside, as another SDK's test suite would use it: the emulator runs stand-alone
 * (`qq-bot-machine emulator`, built CLI) in one child process, our bot in a second, and this test process talks to
 * the emulator only through plain HTTP on /_emulator/. The bot must receive a message and survive faults injected
 * that way. Everything the admin API returns is checked for the secret and the bot's access token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const BOT = fileURLToPath(new URL('./fixtures/admin-bot.mjs', import.meta.url));
const APP_ID = '102000777';
const SECRET = 'admin-api-test-secret-0123456789';

interface Child {
  process: ChildProcess;
  output: () => string;
  lines: () => Array<Record<string, unknown>>;
}

function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return {
    process: child,
    output: () => output,
    lines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function until<T>(check: () => T | undefined, what: string, child: Child, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function stop(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

let emulator: Child;
let bot: Child | undefined;
let admin: string;
let tokenUrl: string;
let apiBase: string;
/** Every admin answer, for the secrets check at the end. */
const answers: string[] = [];
/** Every access token the bot can have held: the token endpoint returns the current one until its last 60 s. */
const tokens: string[] = [];

async function currentToken(): Promise<string> {
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: APP_ID, clientSecret: SECRET }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${admin}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  emulator = startChild([CLI, 'emulator', '--port', '0', '--app-id', APP_ID, '--secret', SECRET, '--heartbeat-interval', '1000']);
  admin = await until(() => /admin API\s+(http:\S+\/_emulator)\//.exec(emulator.output())?.[1], 'the admin URL', emulator);
  tokenUrl = /token URL\s+(\S+)/.exec(emulator.output())![1]!;
  apiBase = /API base\s+(\S+)/.exec(emulator.output())![1]!;
  tokens.push(await currentToken());
});

afterAll(async () => {
  await stop(bot);
  await stop(emulator);
});

describe('admin API, from a second process', () => {
  it('lists its operations and refuses non-JSON POSTs', async () => {
    const index = await call('GET', '/');
    expect(index.status).toBe(200);
    const operations = (index.json.operations as Array<{ method: string; path: string }>).map((op) => `${op.method} ${op.path}`);
    expect(operations).toEqual(expect.arrayContaining(['POST /_emulator/events/c2c-message', 'POST /_emulator/faults/close', 'GET /_emulator/wait/sent']));
    const plain = await fetch(`${admin}/faults/close`, { method: 'POST', body: '{"code":4009}' });
    expect(plain.status).toBe(415);
    expect((await call('POST', '/faults/close', { code: 'x' })).status).toBe(400);
    expect((await call('GET', '/nope')).status).toBe(404);
  });

  it('a bot in another process gets a message pushed through it, and survives a 4009 close and a zombie socket', async () => {
    bot = startChild([BOT], { EMU_APP_ID: APP_ID, EMU_SECRET: SECRET, EMU_TOKEN_URL: tokenUrl, EMU_API_BASE: apiBase });
    const ready = await call('GET', '/wait/ready?timeoutMs=10000');
    expect(ready.status).toBe(200);
    const sessionId = ready.json.sessionId as string;

    const first = await call('POST', '/events/c2c-message', { content: 'ping' });
    expect(first.json).toMatchObject({ delivered: true });
    const reply = await call('GET', `/wait/sent?msgId=${encodeURIComponent(first.json.msgId as string)}`);
    expect(reply.json.sent).toMatchObject({ scene: 'c2c', passive: true, body: { content: 'echo: ping' } });

    // Fault 1: the platform's 30-minute roll-over close. The bot must resume the same session.
    const before = ((await call('GET', '/state')).json.connections as unknown[]).length;
    expect((await call('POST', '/faults/close', { code: 4009 })).json).toEqual({ hit: 1 });
    const resumed = await call('GET', `/wait/frame?op=0&t=RESUMED&from=server&connection=${before + 1}`);
    expect(resumed.status).toBe(200);
    const afterClose = await call('POST', '/events/c2c-message', { content: 'after 4009' });
    expect((await call('GET', `/wait/sent?msgId=${encodeURIComponent(afterClose.json.msgId as string)}`)).status).toBe(200);

    // Fault 2: a half-open socket (no ACKs, no dispatches). Heartbeats are 1 s apart, so the bot should notice the
    // missing ACK within a few seconds and reconnect; the message pushed meanwhile is replayed on resume.
    expect((await call('POST', '/faults/zombie', {})).json).toEqual({ hit: 1 });
    const duringZombie = await call('POST', '/events/c2c-message', { content: 'during zombie' });
    expect(duringZombie.json).toMatchObject({ delivered: true });
    const replayed = await call('GET', `/wait/sent?msgId=${encodeURIComponent(duringZombie.json.msgId as string)}&timeoutMs=20000`);
    expect(replayed.status).toBe(200);

    const state = await call('GET', '/state');
    expect(state.json.stats).toMatchObject({ identifies: 1, resumes: 2 });
    const sessions = state.json.sessions as Array<{ sessionId: string }>;
    expect(sessions.map((s) => s.sessionId)).toEqual([sessionId]);
    await until(() => (bot!.lines().filter((line) => line.event === 'replied').length >= 3 ? true : undefined), 'three replies', bot);
  });

  it('injects HTTP faults: an expired token is refused over REST until the bot refreshes it', async () => {
    expect((await call('POST', '/faults/expire-tokens', {})).json).toEqual({ done: true });
    const message = await call('POST', '/events/c2c-message', { content: 'after expiry' });
    const sent = await call('GET', `/wait/sent?msgId=${encodeURIComponent(message.json.msgId as string)}&timeoutMs=15000`);
    expect(sent.status).toBe(200);
    const state = await call('GET', '/state');
    expect((state.json.stats as { tokensIssued: number }).tokensIssued).toBeGreaterThanOrEqual(2);
  });

  it('answers a wait that times out with 408, and never returns the secret or an access token', async () => {
    const timedOut = await call('GET', '/wait/sent?msgId=never&timeoutMs=50');
    expect(timedOut.status).toBe(408);
    // The records hold the Authorization headers, the token request's clientSecret and the Identify token.
    const requests = await call('GET', '/requests');
    const items = requests.json.items as Array<{ path: string; headers: Record<string, string>; body: unknown }>;
    expect(items.find((r) => r.path === '/app/getAppAccessToken')?.body).toMatchObject({ clientSecret: '<redacted>' });
    expect(items.find((r) => r.path === '/gateway/bot')?.headers.authorization).toBe('QQBot <redacted>');
    const firstConnection = await call('GET', '/connections/1');
    const identify = (firstConnection.json.received as Array<{ op: number; d: { token: string } }>).find((frame) => frame.op === 2);
    expect(identify?.d.token).toBe('QQBot <redacted>');
    await call('GET', '/rest');
    await call('GET', '/inbound');

    tokens.push(await currentToken());
    expect(new Set(tokens).size).toBe(2); // the one before expire-tokens and the one after
    const everything = answers.join('\n');
    expect(everything).not.toContain(SECRET);
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).toContain('<redacted>');
  });
});
