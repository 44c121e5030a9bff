import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { documentedMachines } from '../diagram.js';
import { QQConfigError } from '../errors.js';
import { describeMachine, type MachineGraph } from './graph.js';
import { pageCss, pageHtml, pageScript } from './page/assets.js';
import type { InspectorSource } from './source.js';

export interface InspectorServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Interface to bind. Default `127.0.0.1`: the page shows the bot's internals, so reach it from
   * elsewhere through SSH port forwarding (docs/inspect.md), not by binding a public address.
   */
  host?: string;
  /** Batches per second sent to each page, at most. Default 20. */
  maxUpdatesPerSecond?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** A running inspector server. */
export interface InspectorServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly port: number;
  /** Pages connected now. */
  readonly clients: number;
  /** Closes the pages' sockets and the server. Never touches the bot. Idempotent. */
  close(): Promise<void>;
}

/** A page stops receiving batches while this much is still unsent to it; it gets a fresh start once it catches up. */
const backlogLimitBytes = 4 * 1024 * 1024;
const caughtUpBytes = 64 * 1024;

let machineGraphs: MachineGraph[] | null = null;
/** Every machine the page can draw, from the definitions (computed once per process). */
export function inspectorMachines(): MachineGraph[] {
  machineGraphs ??= documentedMachines.map(({ machine }) => describeMachine(machine));
  return machineGraphs;
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const anyAddressLiteral = '*address*';

/**
 * Serves the inspector page for `source` (a running bot or a recording): the page itself (HTML,
 * CSS, script; nothing from the network) and a WebSocket at `/ws` that sends it steps in batches,
 * at most `maxUpdatesPerSecond` a second. Requests whose Host or Origin names another machine are
 * refused (a web page elsewhere cannot reach it through DNS rebinding).
 */
export async function startInspectorServer(source: InspectorSource, options: InspectorServerOptions = {}): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new QQConfigError('inspector.port', `must be an integer from 0 to 65535, got ${String(port)}`);
  const rate = options.maxUpdatesPerSecond ?? 20;
  if (!(rate > 0 && rate <= 60)) throw new QQConfigError('inspector.maxUpdatesPerSecond', `must be more than 0 and at most 60, got ${String(rate)}`);
  const allowedNames = new Set([...loopbackNames, host.toLowerCase()]);
  // Bound to every interface (a container, say): any address literal names this machine; a domain
  // name still does not, so DNS rebinding stays out.
  if (host === '0.0.0.0' || host === '::') allowedNames.add(anyAddressLiteral);
  const machines = inspectorMachines();

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const stale = new WeakSet<WebSocket>();
  const sendInit = (socket: WebSocket): void => {
    socket.send(JSON.stringify({ kind: 'init', machines, ...source.init() }));
  };
  sockets.on('connection', (socket) => {
    socket.on('error', () => socket.terminate());
    // The page never needs to say anything; whatever it sends is ignored.
    socket.on('message', () => {});
    sendInit(socket);
  });

  const server: Server = createServer((req, res) => serve(req, res, allowedNames));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== '/ws' || !hostAllowed(req, allowedNames)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  // Batching is the inspector's own I/O pacing, not a protocol timer: it lives here, not in a machine.
  const flush = setInterval(() => {
    const steps = source.drain();
    if (steps.length === 0 || sockets.clients.size === 0) return;
    const message = JSON.stringify({ kind: 'steps', steps, now: Date.now() });
    for (const socket of sockets.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (stale.has(socket)) {
        if (socket.bufferedAmount > caughtUpBytes) continue;
        stale.delete(socket);
        sendInit(socket);
        continue;
      }
      if (socket.bufferedAmount > backlogLimitBytes) {
        stale.add(socket);
        continue;
      }
      socket.send(message);
    }
  }, Math.ceil(1_000 / rate));
  flush.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  if (!loopbackNames.has(host)) options.logger?.warn({ host }, 'the inspector listens beyond this machine: anyone who reaches it sees the bot’s internals');
  options.logger?.info({ url, mode: source.mode }, `inspector: ${url}`);

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    get clients() {
      return sockets.clients.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(flush);
        source.close();
        for (const socket of sockets.clients) socket.close(1001, 'inspector closed');
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
        // a page whose socket does not answer the close handshake is cut off
        for (const socket of sockets.clients) socket.terminate();
      });
      return closing;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const named = (name: string): boolean => allowed.has(name) || (allowed.has(anyAddressLiteral) && isIP(name.replace(/^\[|\]$/g, '')) !== 0);
  if (!named(nameOf(req.headers.host ?? ''))) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return named(new URL(origin).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** `localhost:7070` → `localhost`; `[::1]:7070` → `[::1]`. */
function nameOf(hostHeader: string): string {
  const value = hostHeader.toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0] ?? '';
}

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Everything comes from this server; nothing from anywhere else.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:",
};

function serve(req: IncomingMessage, res: ServerResponse, allowed: Set<string>): void {
  if (!hostAllowed(req, allowed)) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden: open the inspector through 127.0.0.1 or localhost\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const body = { '/': ['text/html', pageHtml], '/app.js': ['text/javascript', pageScript()], '/app.css': ['text/css', pageCss] }[pathOf(req)];
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': `${body[0]}; charset=utf-8`, ...securityHeaders }).end(req.method === 'HEAD' ? undefined : body[1]);
}
