/**
 * A tiny scripted HTTP server on 127.0.0.1 (port 0) for the client's error, retry and header paths, which the
 * emulator does not produce on demand. Each queued answer serves one request; then the fallback serves.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type StubAnswer =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  /** Never answer (until the server closes): the client's timeout fires. */
  | 'hang'
  /** Cut the TCP connection without an answer. */
  | 'destroy';

export interface StubServer {
  url: string;
  requests: StubRequest[];
  /** Queue answers for the next requests, in order. */
  answer(...answers: StubAnswer[]): void;
  close(): Promise<void>;
}

export async function startStubServer(fallback: StubAnswer = { status: 200, body: {} }): Promise<StubServer> {
  const queue: StubAnswer[] = [];
  const requests: StubRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [path = '', query = ''] = (req.url ?? '').split('?');
      requests.push({ method: req.method ?? '', path, query, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      respond(res, queue.shift() ?? fallback);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function respond(res: ServerResponse, answer: StubAnswer): void {
  if (answer === 'hang') return;
  if (answer === 'destroy') {
    res.socket?.destroy();
    return;
  }
  const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(text);
}
