/**
 * `startEmulator()`: builds the emulator's parts (token store, gateway, REST, admin API), listens, and hands them
 * to the `Emulator` class. Kept apart from the class so the admin API, which drives an `Emulator`, is wired here
 * rather than imported by the class it drives (no import circle).
 */
import { createServer, type ServerResponse } from 'node:http';
import { createAdminHandler } from './admin/admin-http.js';
import { createAuthorizer } from './auth.js';
import { DEFAULT_BOT_USER, DEFAULT_ENTITLED_INTENTS, Emulator } from './emulator.js';
import { Gateway } from './gateway/gateway.js';
import { SessionStore } from './gateway/sessions.js';
import { discoveryRoutes } from './gateway-discovery.js';
import { HttpFaultQueue } from './http-faults.js';
import type { RouteEmulator } from './http-router.js';
import { createHttpPipeline } from './http-server.js';
import { InboundRegistry } from './inbound.js';
import { Observer } from './observer.js';
import { createRestEmulator } from './rest/index.js';
import { SessionStartLimit } from './session-limit.js';
import { TokenStore } from './token-store.js';
import type { EmulatorOptions, EmulatorStats, HttpRequestRecord } from './types.js';
import type { WebhookModeOptions } from './webhook/index.js';

function validateOptions(options: EmulatorOptions): void {
  if (typeof options?.appId !== 'string' || options.appId === '') throw new TypeError('startEmulator: appId is required');
  if (typeof options.secret !== 'string' || options.secret === '') throw new TypeError('startEmulator: secret is required');
  const positive = { heartbeatInterval: options.heartbeatInterval, tokenTtl: options.tokenTtl, shards: options.shards, replayBufferSize: options.replayBufferSize, resumeWindowMs: options.resumeWindowMs };
  for (const [name, value] of Object.entries(positive)) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new RangeError(`startEmulator: ${name} must be a positive number, got ${value}`);
  }
  const delay = options.heartbeatAckDelayMs;
  if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) throw new RangeError(`startEmulator: heartbeatAckDelayMs must be 0 or more, got ${delay}`);
}

/**
 * Starts an emulator of the QQ open platform on real sockets (default 127.0.0.1, a free port).
 * Resolves once it is listening.
 */
export async function startEmulator(options: EmulatorOptions & { webhook?: WebhookModeOptions }): Promise<Emulator> {
  validateOptions(options);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const observer = new Observer();
  const stats: EmulatorStats = { identifies: 0, resumes: 0, heartbeats: 0, expiredTokenUses: 0, tokensIssued: 0, dispatched: 0 };
  const tokens = new TokenStore(options.tokenTtl ?? 7200, now, () => {
    stats.tokensIssued += 1;
    log('token: issued a new access token');
  });
  const authorize = createAuthorizer({ tokens, appId: options.appId, acceptLegacyToken: options.acceptLegacyToken ?? false, stats });
  const limit = new SessionStartLimit(options.sessionStartLimit ?? {}, now);
  const sessions = new SessionStore(options.replayBufferSize ?? 10_000, options.resumeWindowMs ?? Number.POSITIVE_INFINITY, now);
  const inbound = new InboundRegistry();
  const botUser = options.botUser ?? DEFAULT_BOT_USER;
  const shards = options.shards ?? 1;
  const gateway = new Gateway({
    now,
    observer,
    stats,
    authorize,
    limit,
    sessions,
    heartbeatInterval: options.heartbeatInterval ?? 45_000,
    heartbeatAckDelayMs: options.heartbeatAckDelayMs ?? 0,
    configuredShards: shards,
    entitledIntents: options.entitledIntents ?? DEFAULT_ENTITLED_INTENTS,
    botUser,
    log,
    flags: { helloHeld: false, readyHeld: false, acksSuspended: false },
  });
  const tokenFaults = new HttpFaultQueue();
  const gatewayFaults = new HttpFaultQueue();
  const pending = new Set<ServerResponse>();
  const requests: HttpRequestRecord[] = [];
  // The route emulator is the Emulator itself, which exists only after listen(); routes reach it through this.
  let emulator: Emulator | undefined;
  const routeEmulator: RouteEmulator = {
    appId: options.appId,
    botUser,
    now,
    inbound,
    dispatch: (type, data, dispatchOptions) => {
      if (!emulator) throw new Error('emulator not started');
      return emulator.dispatch(type, data, dispatchOptions);
    },
  };
  const rest = createRestEmulator(options.rest);
  const server = createServer(
    createHttpPipeline({
      now,
      requests,
      observer,
      authorize,
      tokenEndpoint: { appId: options.appId, secret: options.secret, tokens },
      tokenFaults,
      gatewayFaults,
      routes: [...discoveryRoutes({ gatewayUrl: () => emulator?.gatewayUrl ?? '', shards, limit }), ...rest.routes],
      inbound,
      routeEmulator,
      pending,
      ...(options.admin ? { admin: createAdminHandler({ emulator: () => emulator, secrets: () => [options.secret, ...tokens.all().map((t) => t.value)] }) } : {}),
      log,
    }),
  );
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  emulator = new Emulator({ options, server, observer, gateway, tokens, authorize, tokenFaults, gatewayFaults, pending, stats, inbound, sessions, requests, rest: rest.state });
  log(`emulator: listening on ${emulator.url}`);
  return emulator;
}
