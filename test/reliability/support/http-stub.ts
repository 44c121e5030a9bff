/**
 * A tiny node:http server on 127.0.0.1 in front of the emulator: the token endpoint and the gateway
 * discovery endpoints answer from scripts of arbitrary (malformed) answers first, then everything is
 * proxied to the emulator unchanged.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StubAnswer =
  | { kind: 'answer'; status: number; body: string | Buffer; contentType?: string }
  /** Never answers (the client's timeout must fire). */
  | { kind: 'hang' }
  /** Cuts the connection without an answer. */
  | { kind: 'reset' };

export interface HttpStub {
  url: string;
  tokenUrl: string;
  /** Answers for the next token requests, in order. */
  tokenScript: StubAnswer[];
  /** Answers for the next `/gateway` or `/gateway/bot` requests, in order. */
  gatewayScript: StubAnswer[];
  /** Every request: path and the stub's answer ('proxy' when the emulator answered). */
  log: Array<{ path: string; answer: StubAnswer['kind'] | 'proxy'; at: number }>;
  close(): Promise<void>;
}

export async function startHttpStub(target: string, now: () => number): Promise<HttpStub> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const stub: HttpStub = {
    url: '',
    tokenUrl: '',
    tokenScript: [],
    gatewayScript: [],
    log: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://stub.invalid').pathname;
    const script = path === '/app/getAppAccessToken' ? stub.tokenScript : /^\/gateway(\/bot)?\/?$/.test(path) ? stub.gatewayScript : null;
    const scripted = script?.shift();
    stub.log.push({ path, answer: scripted?.kind ?? 'proxy', at: now() });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (scripted?.kind === 'hang') return;
      if (scripted?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (scripted?.kind === 'answer') {
        res.writeHead(scripted.status, { 'content-type': scripted.contentType ?? 'application/json' });
        res.end(scripted.body);
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.tokenUrl = `${stub.url}/app/getAppAccessToken`;
  return stub;
}
