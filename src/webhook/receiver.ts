/*
 * About 350 lines on purpose: the receiver's request pipeline reads top to bottom in one file; its parts (body,
 * verify, payload, replay cache, the machine) live in their own files already.
 */
/**
 * The webhook receiver: turns HTTP callbacks from the platform into events (reference §8).
 *
 * Per request: method → bot routing (`X-Bot-Appid`) → raw body with a size limit → op 13 is
 * answered at once (no signature needed, reference §8.3) → otherwise the signature and the
 * timestamp are checked → op 0 is acknowledged with `{"op":12,"d":0}` and then handed to the
 * webhook machine, which drops replays and emits each event once → `onEvent`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActor } from 'xstate';
import { webhookMachine, type WebhookActorRef, type WebhookDispatch } from '../../machines/webhook.machine.js';
import { QQBotError, QQConfigError, QQHandlerError } from '../errors.js';
import { errorLogFields } from '../log.js';
import type { Clock, InspectionObserver } from '../options.js';
import type { Secret } from '../secret.js';
import { readRawBody } from './body.js';
import { QQWebhookError, rejectionStatus, type WebhookRejectReason } from './errors.js';
import { classifyPayload, isValidationRequest, parseJson } from './payload.js';
import { dedupeKeys, ReplayCache } from './replay-cache.js';
import { signValidation, webhookKeys, type WebhookKeys } from './sign.js';
import { appIdHeader, headerValue, verifyWebhookRequest } from './verify.js';

/** What a bot receives: the same `{ type, id, data }` a gateway dispatch carries. */
export interface WebhookEventOut {
  /** `t`, e.g. `C2C_MESSAGE_CREATE`. */
  type: string;
  /** The envelope `id` (what a reply's `event_id` names), or null when absent. */
  id: string | null;
  data: unknown;
}

export interface WebhookBot {
  appId: string;
  secret: Secret;
  onEvent(event: WebhookEventOut): void;
}

type LogFn = (obj: object, msg?: string) => void;

/** The part of a pino logger the receiver uses. It never logs the secret, signatures or bodies. */
export interface WebhookLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface WebhookReceiverOptions {
  /** One or more bots served by this receiver; routed by the X-Bot-Appid header (a single bot also accepts a request without it). */
  bots: WebhookBot[];
  /** Larger bodies are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Signed requests whose `X-Signature-Timestamp` is further than this from `now()`, either way,
   * are answered 401. Default 300 s. The platform documents no window (UNCONFIRMED, reference
   * §8.2); `Infinity` turns the check off.
   */
  freshnessWindowSeconds?: number;
  /** Event keys remembered for replay/retry dedupe. Default 10000. */
  replayCacheSize?: number;
  logger?: WebhookLogger;
  /** Every rejection and internal failure, as a typed error (never fatal). */
  onError?(error: QQBotError): void;
  /** Clock in ms for the freshness window. Default `Date.now`. */
  now?: () => number;
  /** Passed to the webhook machine actor (XState inspection API). */
  inspect?: InspectionObserver;
  /** Passed to the webhook machine actor. */
  clock?: Clock;
}

export interface WebhookReceiver {
  /**
   * A plain node:http request listener: mount it in node:http, Express, Fastify or Koa (see
   * docs/webhook.md). Never throws; every failure becomes an HTTP status.
   */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The webhook machine: `idle → listening → validating → serving ⇢ stopped`. */
  readonly actor: WebhookActorRef;
  /** Stops the machine; later requests are answered 503. Idempotent. */
  close(): void;
}

export const defaultMaxBodyBytes = 1024 * 1024;
export const defaultFreshnessWindowSeconds = 300;
export const defaultReplayCacheSize = 10_000;

const dispatchAck = JSON.stringify({ op: 12, d: 0 });

interface ServedBot {
  bot: WebhookBot;
  keys: WebhookKeys;
}

/**
 * Creates a receiver for one or more bots.
 *
 * @example
 * ```ts
 * const receiver = createWebhookReceiver({
 *   bots: [{ appId, secret: new Secret(appSecret), onEvent: (event) => console.log(event.type) }],
 * });
 * http.createServer(receiver.handle).listen(8080, '127.0.0.1');
 * ```
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const settings = resolveReceiverOptions(options);
  const bots = new Map<string, ServedBot>();
  for (const bot of options.bots) bots.set(bot.appId, { bot, keys: webhookKeys(bot.secret) });
  const onlyBot = bots.size === 1 ? [...bots.values()][0] : undefined;
  const { logger, onError } = options;
  const now = options.now ?? Date.now;

  const actor = createActor(webhookMachine, {
    input: { replayCache: new ReplayCache(settings.replayCacheSize), appIds: [...bots.keys()] },
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  const report = (error: QQBotError): void => {
    if (!onError) return;
    try {
      onError(error);
    } catch (thrown) {
      logger?.error(errorLogFields(thrown), 'webhook: onError threw');
    }
  };

  actor.on('webhook.dispatch', (event: WebhookDispatch) => {
    const served = bots.get(event.appId);
    if (!served) return;
    logger?.debug({ appId: event.appId, eventType: event.eventType, id: event.id }, 'webhook: dispatch');
    try {
      served.bot.onEvent({ type: event.eventType, id: event.id, data: event.data });
    } catch (thrown) {
      report(new QQHandlerError(thrown, event.eventType));
    }
  });
  actor.start();
  actor.send({ type: 'START' });

  const reject = (req: IncomingMessage, res: ServerResponse, reason: WebhookRejectReason, appId: string | null): void => {
    const status = rejectionStatus[reason];
    const headers: Record<string, string> = {};
    if (reason === 'method-not-allowed') headers.allow = 'POST';
    if (reason === 'body-too-large' || reason === 'body-aborted') headers.connection = 'close';
    sendJson(res, status, { code: status, message: reason }, headers);
    if (!req.readableEnded) req.resume();
    if (actor.getSnapshot().status === 'active') actor.send({ type: 'REQUEST.REJECTED', reason, status, appId });
    logger?.warn({ appId, reason, status, method: req.method }, `webhook: rejected (${reason})`);
    report(new QQWebhookError(reason, `Webhook request rejected with ${status}: ${reason}`, { appId, status }));
  };

  const route = (req: IncomingMessage): { served: ServedBot } | { reason: WebhookRejectReason; appId: string | null } => {
    const named = headerValue(req.headers, appIdHeader);
    if (named === undefined || named === '') return onlyBot ? { served: onlyBot } : { reason: 'missing-app-id', appId: null };
    const served = bots.get(named);
    return served ? { served } : { reason: 'unknown-app-id', appId: named.slice(0, 64) };
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (actor.getSnapshot().status !== 'active') return reject(req, res, 'stopped', null);
    if (req.method !== 'POST') return reject(req, res, 'method-not-allowed', null);
    const routed = route(req);
    if (!('served' in routed)) return reject(req, res, routed.reason, routed.appId);
    const { bot, keys } = routed.served;
    const appId = bot.appId;

    const raw = await readRawBody(req, settings.maxBodyBytes);
    if (!raw.ok) {
      if (raw.reason === 'body-consumed') {
        logger?.error({ appId }, 'webhook: the request body was read before the handler; mount it before body parsers or pass the raw bytes as req.rawBody');
      }
      return reject(req, res, raw.reason, appId);
    }
    if (actor.getSnapshot().status !== 'active') return reject(req, res, 'stopped', appId);

    const parsed = parseJson(raw.body);
    if (isValidationRequest(parsed)) {
      // op 13 carries no required signature (reference §8.3); the safe-form check closes the signing oracle.
      const payload = classifyPayload(parsed);
      if (payload.kind !== 'validation') return reject(req, res, payload.kind === 'invalid' ? payload.reason : 'bad-payload', appId);
      sendJson(res, 200, { plain_token: payload.plainToken, signature: signValidation(keys, payload.eventTs, payload.plainToken) });
      actor.send({ type: 'REQUEST.VALIDATION', appId });
      logger?.info({ appId }, 'webhook: answered the callback-URL validation (op 13)');
      return;
    }

    const verified = verifyWebhookRequest({ keys, headers: req.headers, body: raw.body, nowMs: now(), windowSeconds: settings.freshnessWindowSeconds });
    if (!verified.ok) return reject(req, res, verified.reason, appId);

    const payload = classifyPayload(parsed);
    switch (payload.kind) {
      case 'invalid':
        return reject(req, res, payload.reason, appId);
      case 'validation':
        return reject(req, res, 'bad-payload', appId);
      case 'heartbeat':
        sendJson(res, 200, { op: 11, d: payload.d });
        actor.send({ type: 'REQUEST.HEARTBEAT', appId });
        return;
      case 'dispatch':
        // ACK first (reference §8.4), then dispatch: a slow handler must not make the platform retry.
        sendRaw(res, 200, dispatchAck);
        actor.send({
          type: 'REQUEST.DISPATCH',
          appId,
          eventType: payload.eventType,
          id: payload.id,
          data: payload.data,
          keys: dedupeKeys(payload.eventType, payload.id, payload.data),
        });
        return;
    }
  };

  return {
    actor,
    handle(req, res) {
      serve(req, res).catch((thrown: unknown) => {
        logger?.error(errorLogFields(thrown), 'webhook: internal error');
        if (!res.headersSent) sendJson(res, 500, { code: 500, message: 'internal error' });
        else res.destroy();
        report(new QQWebhookError('internal', `Webhook receiver failed: ${describe(thrown)}`, { cause: thrown }));
      });
    },
    close() {
      if (actor.getSnapshot().status === 'active') actor.send({ type: 'STOP' });
      actor.stop();
    },
  };
}

export interface WebhookServerOptions {
  /** Default 0 (a free port). The platform only calls 80, 443, 8080 and 8443 (reference §8.1), usually via a TLS proxy. */
  port?: number;
  /** Default 127.0.0.1: put a TLS-terminating proxy in front (docs/webhook.md). */
  host?: string;
  /** The callback path. Default `/`. Other paths get 404. */
  path?: string;
  /** A request (headers and body) must arrive within this. Default 15000 ms. */
  requestTimeoutMs?: number;
}

export interface WebhookServer {
  /** `http://host:port/path`. */
  url: string;
  port: number;
  /** Stops listening and closes every connection. Does not close the receiver. */
  close(): Promise<void>;
}

/**
 * Serves a receiver on its own node:http server.
 *
 * @example
 * ```ts
 * const server = await startWebhookServer(receiver, { port: 8080, path: '/qqbot' });
 * console.log(server.url); // http://127.0.0.1:8080/qqbot
 * ```
 */
export async function startWebhookServer(receiver: WebhookReceiver, options: WebhookServerOptions = {}): Promise<WebhookServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/';
  if (!path.startsWith('/')) throw new QQConfigError('webhook.path', `expected a path starting with "/", got "${path.slice(0, 60)}"`);
  const server: Server = createServer((req, res) => {
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://webhook.invalid').pathname;
    } catch {
      pathname = '';
    }
    if (pathname !== path) {
      req.resume();
      sendJson(res, 404, { code: 404, message: 'not found' });
      return;
    }
    receiver.handle(req, res);
  });
  server.requestTimeout = options.requestTimeoutMs ?? 15_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.on('clientError', (_error, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}${path}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface ResolvedReceiverOptions {
  maxBodyBytes: number;
  freshnessWindowSeconds: number;
  replayCacheSize: number;
}

function resolveReceiverOptions(options: WebhookReceiverOptions): ResolvedReceiverOptions {
  if (typeof options !== 'object' || options === null) throw new QQConfigError('webhook', 'expected an options object');
  if (!Array.isArray(options.bots) || options.bots.length === 0) throw new QQConfigError('webhook.bots', 'expected at least one bot');
  const seen = new Set<string>();
  for (const bot of options.bots) {
    if (typeof bot?.appId !== 'string' || bot.appId === '') throw new QQConfigError('webhook.bots', 'every bot needs an appId');
    if (seen.has(bot.appId)) throw new QQConfigError('webhook.bots', `appId ${bot.appId} is listed twice`);
    seen.add(bot.appId);
    if (typeof (bot.secret as { reveal?: unknown } | undefined)?.reveal !== 'function') throw new QQConfigError('webhook.bots', `bot ${bot.appId}: secret must be a Secret`);
    if (bot.secret.reveal() === '') throw new QQConfigError('webhook.bots', `bot ${bot.appId}: the secret is empty`);
    if (typeof bot.onEvent !== 'function') throw new QQConfigError('webhook.bots', `bot ${bot.appId}: onEvent must be a function`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new QQConfigError('webhook.maxBodyBytes', 'expected a positive integer');
  const freshnessWindowSeconds = options.freshnessWindowSeconds ?? defaultFreshnessWindowSeconds;
  if (typeof freshnessWindowSeconds !== 'number' || Number.isNaN(freshnessWindowSeconds) || freshnessWindowSeconds <= 0) {
    throw new QQConfigError('webhook.freshnessWindowSeconds', 'expected a positive number of seconds (Infinity disables the check)');
  }
  const replayCacheSize = options.replayCacheSize ?? defaultReplayCacheSize;
  if (!Number.isInteger(replayCacheSize) || replayCacheSize < 1) throw new QQConfigError('webhook.replayCacheSize', 'expected a positive integer');
  return { maxBodyBytes, freshnessWindowSeconds, replayCacheSize };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
