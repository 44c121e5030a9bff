import { botMachine } from '../machines/bot.machine.js';
import { gatewayDiscoveryMachine } from '../machines/gateway.machine.js';
import { identifyThrottleMachine } from '../machines/identify-throttle.machine.js';
import { shardMachine } from '../machines/shard.machine.js';
import { acquireTokenLogic, tokenMachine } from '../machines/token.machine.js';
import { gatewayBotActor, gatewayUrlActor } from './io/gateway-endpoint.js';
import { gatewaySocketActor, type GatewaySocketOptions } from './io/gateway-socket.js';
import { tokenEndpointActor } from './io/token-endpoint.js';
import type { Secret } from './secret.js';

/**
 * Every named delay of the machines, in milliseconds, for tests and tuning. A delay left out keeps
 * the machine's default (see docs/lifecycle.md).
 */
export interface Timing {
  token?: Partial<Record<'REFRESH' | 'RETRY_BACKOFF' | 'TOKEN_LIFETIME', number>>;
  gateway?: Partial<Record<'RETRY_BACKOFF', number>>;
  shard?: Partial<
    Record<
      | 'CONNECT_TIMEOUT'
      | 'HELLO_TIMEOUT'
      | 'READY_TIMEOUT'
      | 'RESUMED_TIMEOUT'
      | 'HEARTBEAT_INTERVAL'
      | 'HEALTHY_BY_TRAFFIC_AFTER'
      | 'RECONNECT_BACKOFF'
      | 'RATE_LIMIT_WAIT'
      | 'INVALID_SESSION_WAIT'
      | 'MAX_SESSION_AGE',
      number
    >
  >;
  identify?: Partial<Record<'IDENTIFY_WINDOW' | 'SESSION_LIMIT_RESET', number>>;
  bot?: Partial<Record<'STOP_TIMEOUT', number>>;
  /** HTTP timeouts. */
  http?: { tokenMs?: number; gatewayMs?: number; restMs?: number };
}

export interface RuntimeEndpoints {
  appId: string;
  secret: Secret;
  tokenUrl: string;
  apiBase: string;
}

export interface RuntimeOptions extends RuntimeEndpoints {
  timing?: Timing;
  socket?: GatewaySocketOptions;
}

/** The token machine with the real token endpoint (also used alone by the webhook transport). */
export function createTokenLogic(options: RuntimeOptions) {
  const timing = options.timing ?? {};
  return tokenMachine.provide({
    actors: {
      fetchToken: tokenEndpointActor({
        tokenUrl: options.tokenUrl,
        appId: options.appId,
        secret: options.secret,
        timeoutMs: timing.http?.tokenMs ?? 10_000,
      }),
    },
    delays: { ...timing.token },
  });
}

/** The bot machine with its real I/O actors and any timing overrides. */
export function createBotLogic(options: RuntimeOptions) {
  const timing = options.timing ?? {};
  const endpoint = { apiBase: options.apiBase, appId: options.appId, timeoutMs: timing.http?.gatewayMs ?? 10_000 };
  return botMachine.provide({
    actors: {
      token: createTokenLogic(options),
      gatewayDiscovery: gatewayDiscoveryMachine.provide({
        actors: { acquireToken: acquireTokenLogic, fetchGatewayBot: gatewayBotActor(endpoint), fetchGatewayUrl: gatewayUrlActor(endpoint) },
        delays: { ...timing.gateway },
      }),
      identifyThrottle: identifyThrottleMachine.provide({ delays: { ...timing.identify } }),
      shard: shardMachine.provide({
        actors: { acquireToken: acquireTokenLogic, socket: gatewaySocketActor(options.socket) },
        delays: { ...timing.shard },
      }),
    },
    delays: { ...timing.bot },
  });
}
