import { assign, emit, fromPromise, setup, type ActorRefFrom } from 'xstate';
import { QQBotError, QQGatewayDiscoveryError } from '../src/errors.js';
import type { Secret } from '../src/secret.js';
import { exponentialDelayMs } from './backoff.js';
import type { AcquireTokenInput } from './token.machine.js';

/** `GET /gateway/bot` (reference §3.2), or just the URL when only `GET /gateway` answered. */
export interface GatewayInfo {
  url: string;
  /** Recommended shard count; 1 when unknown. */
  shards: number;
  sessionStartLimit: { total: number; remaining: number; resetAfterMs: number; maxConcurrency: number } | null;
  source: 'gateway/bot' | 'gateway' | 'configured';
}

export type GatewayDiscoveryResult = { ok: true; info: GatewayInfo } | { ok: false; error: QQBotError };

export interface GatewayDiscoveryInput {
  /** A configured gateway URL skips discovery. */
  gatewayUrl?: string | null;
}

export interface GatewayDiscoveryContext {
  configuredUrl: string | null;
  token: Secret | null;
  info: GatewayInfo | null;
  failures: number;
  forceTokenRefresh: boolean;
  error: QQBotError | null;
}

export type GatewayDiscoveryEmitted = { type: 'gateway.error'; error: QQBotError };

/** Answers that mean "this endpoint is not there": fall back to `GET /gateway`. */
const notAvailableStatuses = new Set([404, 405, 501]);

/**
 * Finds the gateway: `GET /gateway/bot` for URL, shard count and session budget, falling back to
 * `GET /gateway` for the URL alone; a configured URL skips both. Failures back off and retry for
 * ever (DNS, 5xx, timeouts); a 401 fetches a fresh token first. The token itself comes from the
 * token actor through `acquireToken`, so a rejected credential fails here too.
 */
/** The error of a failed fetch, handed to the guards and actions of its error event as typed params. */
export interface FailureParams {
  error: unknown;
}
const failureParams = ({ event }: { event: { error: unknown } }): FailureParams => ({ error: event.error });
// The onError branches name their guards and actions with the failure's params.
const isUnauthorized = { type: 'isUnauthorized', params: failureParams } as const;
const isNotAvailable = { type: 'isNotAvailable', params: failureParams } as const;
const recordFailure = { type: 'recordFailure', params: failureParams } as const;
const reportFailure = { type: 'reportFailure', params: failureParams } as const;

export const gatewayDiscoveryMachine = setup({
  types: {
    context: {} as GatewayDiscoveryContext,
    input: {} as GatewayDiscoveryInput,
    output: {} as GatewayDiscoveryResult,
    emitted: {} as GatewayDiscoveryEmitted,
  },
  actors: {
    acquireToken: fromPromise<Secret, AcquireTokenInput>(async () => {
      throw new Error('acquireToken is not provided');
    }),
    fetchGatewayBot: fromPromise<GatewayInfo, { token: Secret }>(async () => {
      throw new Error('fetchGatewayBot is not provided');
    }),
    fetchGatewayUrl: fromPromise<GatewayInfo, { token: Secret }>(async () => {
      throw new Error('fetchGatewayUrl is not provided');
    }),
  },
  guards: {
    isConfigured: ({ context }) => context.configuredUrl !== null,
    isUnauthorized: (_, { error }: FailureParams) => statusOf(error) === 401,
    isNotAvailable: (_, { error }: FailureParams) => notAvailableStatuses.has(statusOf(error) ?? 0),
  },
  actions: {
    recordFailure: assign(({ context }, { error }: FailureParams) => ({ failures: context.failures + 1, error: toDiscoveryError(error) })),
    reportFailure: emit((_, { error }: FailureParams) => ({ type: 'gateway.error' as const, error: toDiscoveryError(error) })),
  },
  delays: {
    RETRY_BACKOFF: ({ context }) => exponentialDelayMs(context.failures - 1, 60_000),
  },
}).createMachine({
  id: 'gatewayDiscovery',
  context: ({ input }) => ({
    configuredUrl: input.gatewayUrl ?? null,
    token: null,
    info: null,
    failures: 0,
    forceTokenRefresh: false,
    error: null,
  }),
  initial: 'deciding',
  states: {
    deciding: {
      always: [
        {
          guard: 'isConfigured',
          target: 'discovered',
          actions: assign({
            info: ({ context }) => ({ url: context.configuredUrl ?? '', shards: 1, sessionStartLimit: null, source: 'configured' }),
          }),
        },
        { target: 'acquiringToken' },
      ],
    },
    acquiringToken: {
      invoke: {
        id: 'acquireToken',
        src: 'acquireToken',
        input: ({ context }) => ({ forceRefresh: context.forceTokenRefresh }),
        onDone: { target: 'fetchingGatewayBot', actions: assign({ token: ({ event }) => event.output, forceTokenRefresh: false }) },
        onError: { target: 'failed', actions: assign({ error: ({ event }) => toDiscoveryError(event.error, true) }) },
      },
    },
    fetchingGatewayBot: {
      invoke: {
        id: 'fetchGatewayBot',
        src: 'fetchGatewayBot',
        input: ({ context }) => ({ token: context.token as Secret }),
        onDone: { target: 'discovered', actions: assign({ info: ({ event }) => event.output, failures: 0 }) },
        onError: [
          // 401: the token was refused. Fetch a fresh one before the next try; back off so a
          // platform that keeps refusing cannot make us hot-loop.
          { guard: isUnauthorized, target: 'backoff', actions: [recordFailure, reportFailure, assign({ forceTokenRefresh: true })] },
          { guard: isNotAvailable, target: 'fetchingGatewayUrl', actions: reportFailure },
          { target: 'backoff', actions: [recordFailure, reportFailure] },
        ],
      },
    },
    fetchingGatewayUrl: {
      invoke: {
        id: 'fetchGatewayUrl',
        src: 'fetchGatewayUrl',
        input: ({ context }) => ({ token: context.token as Secret }),
        onDone: { target: 'discovered', actions: assign({ info: ({ event }) => event.output, failures: 0 }) },
        onError: [
          // 401: the token was refused. Fetch a fresh one before the next try; back off so a
          // platform that keeps refusing cannot make us hot-loop.
          { guard: isUnauthorized, target: 'backoff', actions: [recordFailure, reportFailure, assign({ forceTokenRefresh: true })] },
          { target: 'backoff', actions: [recordFailure, reportFailure] },
        ],
      },
    },
    backoff: {
      after: { RETRY_BACKOFF: 'acquiringToken' },
    },
    discovered: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): GatewayDiscoveryResult =>
    context.info
      ? { ok: true, info: context.info }
      : { ok: false, error: context.error ?? new QQGatewayDiscoveryError('Gateway discovery failed', { fatal: true }) },
});

export type GatewayDiscoveryActorRef = ActorRefFrom<typeof gatewayDiscoveryMachine>;

function statusOf(error: unknown): number | undefined {
  return error instanceof QQGatewayDiscoveryError ? error.status : undefined;
}

function toDiscoveryError(error: unknown, fatal = false): QQBotError {
  if (error instanceof QQBotError) return error;
  return new QQGatewayDiscoveryError(error instanceof Error ? error.message : String(error), { cause: error, fatal });
}
