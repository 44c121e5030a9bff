/**
 * The one HTTP client of the library (src/io/http.ts) against real local servers: what it sends, what it
 * returns for any status, and the only cases in which it throws — no complete answer (refused, reset,
 * timeout, abort) — with messages that never carry the query string, a header value or the body.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, HttpTransportError, type HttpRequest } from '../../src/io/http.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  url: string;
  received: Received[];
  /** Server-side sockets, open or closed, in order of connection. */
  sockets: Socket[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server on 127.0.0.1 (port 0) whose handler sees each request once its body has arrived. */
async function serve(handler: (res: ServerResponse, req: Received) => void): Promise<TestServer> {
  const received: Received[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      handler(res, request);
    });
  });
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const test: TestServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(test);
  return test;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function transportError(request: HttpRequest): Promise<HttpTransportError> {
  const error = await httpRequest(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpTransportError);
  return error as HttpTransportError;
}

/** Resolves when `socket` has closed: what the client does on timeout or abort. */
function closed(socket: Socket | undefined): Promise<void> {
  return new Promise((resolve) => (socket === undefined || socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/** Waits (on I/O, not a clock) until the server has seen `count` requests. */
async function requestsSeen(server: TestServer, count: number): Promise<void> {
  while (server.received.length < count) await new Promise((resolve) => setImmediate(resolve));
}

const secretToken = 'QQBot tok-SECRET-1234567890';
const secretBody = { appId: '102000001', clientSecret: 'app-SECRET-abcdef' };

describe('what httpRequest sends and returns', () => {
  it('sends a JSON body with user-agent, content-type and content-length, and parses the JSON answer', async () => {
    const server = await serve((res, req) => json(res, 200, { echoed: JSON.parse(req.body) }));
    const body = { text: '你好 👋', n: 1 };
    const result = await httpRequest({ method: 'POST', url: `${server.url}/echo?x=1`, body, timeoutMs: 1_000 });
    expect(result).toMatchObject({ status: 200, body: { echoed: body }, traceId: undefined });
    expect(result.invalidJson).toBeUndefined();
    const [sent] = server.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/echo?x=1' });
    expect(sent?.headers['user-agent']).toBe('qq-bot-machine');
    expect(sent?.headers['content-type']).toBe('application/json');
    // Bytes, not characters: the body has multi-byte characters.
    expect(sent?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
    expect(sent?.body).toBe(JSON.stringify(body));
  });

  it("lets the caller's headers replace the defaults whatever their case, and sends no body on a GET", async () => {
    const server = await serve((res) => json(res, 200, {}));
    await httpRequest({ method: 'POST', url: server.url, headers: { 'User-Agent': 'mine/1', 'Content-Type': 'application/json; charset=utf-8' }, body: [], timeoutMs: 1_000 });
    await httpRequest({ method: 'GET', url: server.url, headers: { authorization: secretToken }, timeoutMs: 1_000 });
    const [post, get] = server.received;
    expect(post?.headers['user-agent']).toBe('mine/1');
    expect(post?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(get?.headers.authorization).toBe(secretToken);
    expect(get?.headers['content-type']).toBeUndefined();
    expect(get?.body).toBe('');
  });

  it('returns a 500 with its JSON body instead of throwing', async () => {
    const server = await serve((res) => json(res, 500, { code: 500, message: 'internal' }));
    const result = await httpRequest({ method: 'GET', url: server.url, timeoutMs: 1_000 });
    expect(result).toMatchObject({ status: 500, body: { code: 500, message: 'internal' } });
  });

  it('gives body undefined for an empty body', async () => {
    const server = await serve((res) => res.writeHead(204).end());
    const result = await httpRequest({ method: 'DELETE', url: server.url, timeoutMs: 1_000 });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect(result.invalidJson).toBeUndefined();
  });

  it('gives the first 200 characters of a body that is not JSON as invalidJson', async () => {
    const html = `<html>${'x'.repeat(300)}</html>`;
    const server = await serve((res) => res.writeHead(502, { 'content-type': 'text/html' }).end(html));
    const result = await httpRequest({ method: 'GET', url: server.url, timeoutMs: 1_000 });
    expect(result.status).toBe(502);
    expect(result.body).toBeUndefined();
    expect(result.invalidJson).toBe(html.slice(0, 200));
  });

  it('reads the trace id from x-tps-trace-id, and headers case-insensitively with the first of repeated values', async () => {
    const server = await serve((res) => json(res, 200, {}, { 'X-Tps-Trace-Id': 'trace-42', 'Retry-After': '3', 'x-twice': ['first', 'second'] }));
    const result = await httpRequest({ method: 'GET', url: server.url, timeoutMs: 1_000 });
    expect(result.traceId).toBe('trace-42');
    expect(result.headers.get('retry-after')).toBe('3');
    expect(result.headers.get('RETRY-AFTER')).toBe('3');
    expect(result.headers.get('X-Twice')).toBe('first');
    expect(result.headers.get('x-missing')).toBeNull();
  });
});

describe('when there is no complete answer', () => {
  it('times out when the server never answers, without the query string, and closes the connection', async () => {
    const server = await serve(() => undefined);
    const error = await transportError({ method: 'GET', url: `${server.url}/gateway/bot?secret=s3cr3t`, timeoutMs: 50 });
    expect(error).toMatchObject({ timedOut: true, aborted: false, message: `GET ${server.url}/gateway/bot timed out after 50 ms` });
    await closed(server.sockets[0]);
  });

  it('times out while the body trickles in: the deadline covers reading the body', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const drip = setInterval(() => res.write('1,'), 10);
      res.on('close', () => clearInterval(drip));
    });
    const started = performance.now();
    const error = await transportError({ method: 'GET', url: server.url, timeoutMs: 100 });
    expect(error).toMatchObject({ timedOut: true, aborted: false, message: `GET ${server.url} timed out after 100 ms` });
    expect(performance.now() - started).toBeLessThan(1_000);
    await closed(server.sockets[0]);
  });

  it('is aborted by a signal that is already aborted, without sending anything', async () => {
    const server = await serve((res) => json(res, 200, {}));
    const error = await transportError({ method: 'POST', url: `${server.url}/a?b=c`, body: {}, timeoutMs: 1_000, signal: AbortSignal.abort() });
    expect(error).toMatchObject({ timedOut: false, aborted: true, message: `POST ${server.url}/a aborted` });
    expect(server.sockets).toHaveLength(0);
  });

  it('is aborted by a signal during the exchange, and closes the connection', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const pending = transportError({ method: 'GET', url: server.url, timeoutMs: 5_000, signal: controller.signal });
    await requestsSeen(server, 1);
    controller.abort();
    expect(await pending).toMatchObject({ timedOut: false, aborted: true, message: `GET ${server.url} aborted` });
    await closed(server.sockets[0]);
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    const server = await serve(() => undefined);
    await server.close();
    const error = await transportError({ method: 'GET', url: `${server.url}/x?token=t`, timeoutMs: 1_000 });
    expect(error).toMatchObject({ timedOut: false, aborted: false });
    expect(error.message).toMatch(new RegExp(`^GET ${server.url}/x failed: ECONNREFUSED \\(.+\\)$`));
  });

  it('fails when the connection is reset in the middle of the body', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    const error = await transportError({ method: 'GET', url: server.url, timeoutMs: 1_000 });
    expect(error).toMatchObject({ timedOut: false, aborted: false });
    expect(error.message).toMatch(new RegExp(`^GET ${server.url} failed: ECONNRESET`));
  });

  it('fails when the connection is cut before any answer', async () => {
    const server = await serve((res) => res.socket?.destroy());
    const error = await transportError({ method: 'GET', url: server.url, timeoutMs: 1_000 });
    expect(error.message).toMatch(new RegExp(`^GET ${server.url} failed: ECONNRESET`));
  });

  it('uses TLS for an https: URL (here against a plain HTTP server, so the handshake fails)', async () => {
    const server = await serve((res) => json(res, 200, {}));
    const url = server.url.replace('http:', 'https:');
    const error = await transportError({ method: 'GET', url, timeoutMs: 1_000 });
    expect(error).toMatchObject({ timedOut: false, aborted: false });
    expect(error.message.startsWith(`GET ${url} failed: `)).toBe(true);
  });

  it('never puts a header value or the body in an error message', async () => {
    const hanging = await serve(() => undefined);
    const resetting = await serve((res) => res.socket?.destroy());
    const refused = await serve(() => undefined);
    await refused.close();
    const base = { method: 'POST', headers: { authorization: secretToken }, body: secretBody } as const;
    const errors = [
      await transportError({ ...base, url: `${hanging.url}/t?k=v`, timeoutMs: 50 }),
      await transportError({ ...base, url: resetting.url, timeoutMs: 1_000 }),
      await transportError({ ...base, url: refused.url, timeoutMs: 1_000 }),
      await transportError({ ...base, url: hanging.url, timeoutMs: 1_000, signal: AbortSignal.abort() }),
      // A header value Node refuses to send (a line break): the error names the header, not its value.
      await transportError({ ...base, headers: { authorization: `${secretToken}\r\nx: y` }, url: hanging.url, timeoutMs: 1_000 }),
    ];
    for (const error of errors) {
      const text = `${error.message}\n${error.stack ?? ''}\n${String((error.cause as Error | undefined)?.message ?? '')}`;
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('k=v');
    }
  });
});

describe('what stays behind after an exchange', () => {
  it('reuses one keep-alive connection and leaves no ref’d timer or socket: a process that made requests exits by itself', async () => {
    const built = fileURLToPath(new URL('../../dist/src/io/http.js', import.meta.url));
    expect(existsSync(built), 'dist/ is missing: run npm run build first').toBe(true);
    // The server keeps idle connections open far longer than the child lives: only the client can let go.
    const server = await serve((res) => json(res, 200, { ok: true }));
    const script = `
      const { httpRequest } = await import(${JSON.stringify(built)});
      const before = process.getActiveResourcesInfo();
      const first = await httpRequest({ method: 'GET', url: ${JSON.stringify(server.url)}, timeoutMs: 5000 });
      const second = await httpRequest({ method: 'POST', url: ${JSON.stringify(server.url)}, body: {}, timeoutMs: 5000 });
      await new Promise((resolve) => setImmediate(resolve));
      console.log(JSON.stringify({ before, after: process.getActiveResourcesInfo(), statuses: [first.status, second.status] }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // If a handle kept the child alive it would never exit: the guard kills it and the test fails.
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(guard);
    expect(stderr).toBe('');
    expect([code, signal]).toEqual([0, null]);
    const report = JSON.parse(stdout) as { before: string[]; after: string[]; statuses: number[] };
    expect(report.statuses).toEqual([200, 200]);
    expect(report.after.filter((type) => type === 'Timeout' || type === 'TCPSocketWrap')).toEqual([]);
    expect(server.sockets).toHaveLength(1);
  });
});
