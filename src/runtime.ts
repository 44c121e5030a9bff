import { fromPromise, type AnyStateMachine, type StateMachine } from 'xstate';
import { botMachine, type LoadedSession, type LoadSessionsInput } from '../machines/bot.machine.js';
import { gatewayDiscoveryMachine } from '../machines/gateway.machine.js';
import { identifyCoordinationMachine, type IdentifyVerdict, type SlotRequest } from '../machines/identify-coordination.machine.js';
import { identifyThrottleMachine } from '../machines/identify-throttle.machine.js';
import type { IdentifyCoordinator } from './coordination.js';
import { sessionFlushMachine } from '../machines/session-flush.machine.js';
import { shardMachine } from '../machines/shard.machine.js';
import { acquireTokenLogic, tokenMachine } from '../machines/token.machine.js';
import { gatewayBotActor, gatewayUrlActor } from './io/gateway-endpoint.js';
import { gatewaySocketActor, type GatewaySocketOptions } from './io/gateway-socket.js';
import { tokenEndpointActor } from './io/token-endpoint.js';
import type { Secret } from './secret.js';

/** The names of a machine's named delays: the keys of its `setup({ delays })`. */
export type DelayName<TMachine> =
  TMachine extends StateMachine<any, any, any, any, any, any, infer TDelay, any, any, any, any, any, any, any, any> ? TDelay : never;

/** Overrides of a machine's named delays, in milliseconds. */
export type DelayOverrides<TMachine> = Partial<Record<DelayName<TMachine>, number>>;

/**
 * Which machines' delays each group of the `timing` option overrides. The names are read from the machine
 * definitions, so a delay added to a machine can be set here at once, and a misspelt one is refused.
 */
const timedMachines = {
  token: [tokenMachine],
  gateway: [gatewayDiscoveryMachine],
  shard: [shardMachine],
  // The local throttle and, with an identify coordinator, the confirmation around it.
  identify: [identifyThrottleMachine, identifyCoordinationMachine],
  sessions: [sessionFlushMachine],
  bot: [botMachine],
} as const satisfies Record<string, readonly AnyStateMachine[]>;

/** The HTTP timeouts, the one `timing` group that is not a machine's delays. */
const httpTimeoutNames = ['tokenMs', 'gatewayMs', 'restMs'] as const;

/** Every name the `timing` option accepts, per group (checked by `createBot()`). */
export const timingNames: Readonly<Record<keyof Timing, readonly string[]>> = {
  ...(Object.fromEntries(
    Object.entries(timedMachines).map(([group, machines]) => [group, machines.flatMap((machine) => Object.keys(machine.implementations.delays))]),
  ) as Record<keyof typeof timedMachines, string[]>),
  http: httpTimeoutNames,
};

/**
 * Every named delay of the machines, in milliseconds, for tests and tuning. A delay left out keeps
 * the machine's default (see docs/lifecycle.md). The names are the machines' own delay names.
 *
 * @example
 * ```ts
 * createBot({ appId, secret, timing: { shard: { HELLO_TIMEOUT: 5_000 }, http: { restMs: 3_000 } } });
 * ```
 */
export interface Timing {
  token?: DelayOverrides<typeof tokenMachine>;
  gateway?: DelayOverrides<typeof gatewayDiscoveryMachine>;
  shard?: DelayOverrides<typeof shardMachine>;
  identify?: DelayOverrides<typeof identifyThrottleMachine | typeof identifyCoordinationMachine>;
  /** How often seq is written to the session store (machines/session-flush.machine.ts). */
  sessions?: DelayOverrides<typeof sessionFlushMachine>;
  bot?: DelayOverrides<typeof botMachine>;
  /** HTTP timeouts. */
  http?: Partial<Record<(typeof httpTimeoutNames)[number], number>>;
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
  /** Shares IDENTIFY pacing and the session budget with the bot's other processes. */
  identifyCoordinator?: IdentifyCoordinator;
  /** Reads the session store for the shards about to start (src/sessions/keeper.ts). */
  loadSessions?: (input: LoadSessionsInput) => Promise<Record<number, LoadedSession>>;
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
      ...(options.loadSessions ? { loadSessions: fromPromise(({ input }: { input: LoadSessionsInput }) => options.loadSessions!(input)) } : {}),
      gatewayDiscovery: gatewayDiscoveryMachine.provide({
        actors: { acquireToken: acquireTokenLogic, fetchGatewayBot: gatewayBotActor(endpoint), fetchGatewayUrl: gatewayUrlActor(endpoint) },
        delays: { ...timing.gateway },
      }),
      identifyThrottle: identifyThrottleLogic(options),
      shard: shardMachine.provide({
        actors: { acquireToken: acquireTokenLogic, socket: gatewaySocketActor(options.socket) },
        delays: { ...timing.shard },
      }),
    },
    delays: { ...timing.bot },
  });
}

/**
 * The local identify throttle, or, with a coordinator, the throttle inside the cross-process
 * confirmation (machines/identify-coordination.machine.ts) under the same system id: shards ask
 * either one the same way.
 */
function identifyThrottleLogic(options: RuntimeOptions): typeof identifyThrottleMachine {
  const delays = options.timing?.identify ?? {};
  const local = identifyThrottleMachine.provide({ delays: delaysOf(identifyThrottleMachine, delays) });
  const coordinator = options.identifyCoordinator;
  if (!coordinator) return local;
  const coordinated = identifyCoordinationMachine.provide({
    actors: {
      localThrottle: local,
      acquireSlot: fromPromise<IdentifyVerdict, SlotRequest>(({ input }) => coordinator.acquire(input)),
      // Best effort: the bucket key also expires a window after the grant.
      identifySent: fromPromise<void, SlotRequest>(({ input }) => coordinator.identifySent(input).catch(() => undefined)),
    },
    delays: delaysOf(identifyCoordinationMachine, delays),
  });
  // Same input and the same protocol with the shards (IDENTIFY.REQUEST / SENT → GRANTED / DENIED).
  return coordinated as unknown as typeof identifyThrottleMachine;
}

/** The overrides among `delays` that name one of `machine`'s delays (the identify group serves two machines). */
function delaysOf(machine: AnyStateMachine, delays: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const names = new Set(Object.keys(machine.implementations.delays));
  return Object.fromEntries(Object.entries(delays).filter((entry): entry is [string, number] => names.has(entry[0]) && entry[1] !== undefined));
}
