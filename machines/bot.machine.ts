/*
 * Longer than ~350 lines on purpose: one statechart (token → discovery → shards → running, plus the lease-mode shard
 * hand-over), kept in one `setup().createMachine()` as the shard machine is; the shards themselves are their own machine.
 */
import { assertEvent, assign, emit, enqueueActions, fromPromise, setup, spawnChild, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { QQBotError, QQSessionLimitError } from '../src/errors.js';
import { gatewayDiscoveryMachine, type GatewayDiscoveryResult, type GatewayInfo } from './gateway.machine.js';
import { identifyThrottleMachine } from './identify-throttle.machine.js';
import { shardMachine, type ShardInput, type ShardReport } from './shard.machine.js';
import { SystemId } from './system-actors.js';
import { tokenMachine } from './token.machine.js';

/** Which shards this process runs: all that `/gateway/bot` recommends, or an explicit range. */
export type ShardSelection = 'auto' | { total: number; ids: readonly number[] };

export interface BotInput {
  intents: number;
  shards: ShardSelection;
  gatewayUrl?: string | null;
  maxSessionAgeMs?: number | null;
  /** Close with a resumable code on STOP, so a next process can RESUME the sessions (a session store is set). */
  keepSessionsOnStop?: boolean;
  /**
   * Shards come and go by lease (src/leases/): none is started with the bot; SHARD.ADD and
   * SHARD.REMOVE start and give back each one. `shards` names the candidates.
   */
  leased?: boolean;
}

/** A session stored by an earlier process, as the `loadSessions` actor hands it over (src/sessions/). */
export interface LoadedSession {
  sessionId: string;
  seq: number;
  recentIds: readonly string[];
}

export interface LoadSessionsInput {
  shardIds: number[];
  shardCount: number;
}

export interface BotContext {
  intents: number;
  shards: ShardSelection;
  gatewayUrl: string | null;
  maxSessionAgeMs: number | null;
  keepSessionsOnStop: boolean;
  leased: boolean;
  /** Leased mode: the shards this bot may run (`shards`), of which `shardIds` are running. */
  candidateShardIds: number[];
  /** Shards being given back (SHARD.REMOVE): stopping, to be forgotten once stopped. */
  releasingShards: number[];
  gateway: GatewayInfo | null;
  shardIds: number[];
  shardCount: number;
  readyShards: number[];
  stoppedShards: number[];
  failedShards: Record<number, QQBotError>;
  error: QQBotError | null;
}

export type BotEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  | ShardReport
  /** Leased mode: run this shard (RESUMEing the stored session, if any). */
  | { type: 'SHARD.ADD'; shardId: number; storedSession: LoadedSession | null }
  /** Leased mode: stop this shard, leaving its session resumable, and forget it. */
  | { type: 'SHARD.REMOVE'; shardId: number };

export type BotEmitted =
  | { type: 'bot.gateway'; gateway: GatewayInfo; shardIds: number[]; shardCount: number }
  | { type: 'bot.error'; error: QQBotError }
  /** A shard given back by SHARD.REMOVE has closed its socket: its session can be stored and handed over. */
  | { type: 'bot.shardReleased'; shardId: number }
  | { type: 'bot.failed'; error: QQBotError };

/** Gateway discovery's result, handed to the guards and actions of its done event as typed params. */
export interface DiscoveryParams {
  result: GatewayDiscoveryResult;
}
const discoveryParams = ({ event }: { event: { output: GatewayDiscoveryResult } }): DiscoveryParams => ({ result: event.output });

export const shardActorId = (shardId: number): string => `shard-${shardId}`;

/** The shard an actor id of `shardActorId` names, or undefined for any other actor. */
export function shardIdOfActor(actorId: string): number | undefined {
  const match = /^shard-(\d+)$/.exec(actorId);
  return match ? Number(match[1]) : undefined;
}

/** The id of the gateway discovery actor the bot invokes. */
export const gatewayDiscoveryActorId = 'gatewayDiscovery';

/**
 * Whether every shard of `shardIds` is in `done` or `failed`. Evaluated at each SHARD.READY / SHARD.STOPPED: the count
 * check makes it O(1) until the last shard could be in, so 1,000 shards do not cost 1,000 × 1,000 lookups per event.
 */
function everyShardIn(shardIds: readonly number[], done: readonly number[], failed?: Readonly<Record<number, unknown>>): boolean {
  const failedCount = failed ? Object.keys(failed).length : 0;
  if (done.length + failedCount < shardIds.length) return false;
  const doneIds = new Set(done);
  return shardIds.every((id) => doneIds.has(id) || (failed !== undefined && id in failed));
}

/** Close codes after which no shard of this bot may carry on (reference §5.1: delisted, banned). */
function isBotWide(error: QQBotError): boolean {
  const closeCode = (error as { closeCode?: number }).closeCode;
  return closeCode === 4914 || closeCode === 4915 || error.code === 'AUTH' || error.code === 'SESSION_LIMIT';
}

/** What a shard of this bot starts with: the same for the first spawn and for a shard taken over later. */
function shardInput(context: BotContext, gatewayUrl: string, shardId: number, storedSession: ShardInput['storedSession']): ShardInput {
  return { shardId, shardCount: context.shardCount, intents: context.intents, gatewayUrl, maxSessionAgeMs: context.maxSessionAgeMs, storedSession };
}

/**
 * The bot: token → gateway discovery → shards → running; stopping → stopped; failed.
 * It owns the long-lived helpers (token, identify throttle) under fixed system ids so every shard
 * finds them, and decides which shard failures end the whole bot.
 */
export const botMachine = setup({
  types: {
    context: {} as BotContext,
    events: {} as BotEvent,
    input: {} as BotInput,
    emitted: {} as BotEmitted,
  },
  actors: {
    token: tokenMachine,
    gatewayDiscovery: gatewayDiscoveryMachine,
    /** The session store's records for the shards about to start (none without a store). */
    loadSessions: fromPromise<Record<number, LoadedSession>, LoadSessionsInput>(async () => ({})),
    identifyThrottle: identifyThrottleMachine,
    shard: shardMachine,
  },
  guards: {
    discoveryFailed: (_, { result }: DiscoveryParams) => !result.ok,
    sessionBudgetTooSmall: ({ context }, { result }: DiscoveryParams) => {
      // Leased: this process runs a share of the candidates, and the coordinator keeps the budget.
      if (context.leased || !result.ok || !result.info.sessionStartLimit) return false;
      return result.info.sessionStartLimit.remaining < selectShards(context.shards, result.info).ids.length;
    },
    allShardsReady: ({ context }) => everyShardIn(context.shardIds, context.readyShards),
    allShardsStopped: ({ context }) => everyShardIn(context.shardIds, context.stoppedShards, context.failedShards),
    hasError: ({ context }) => context.error !== null,
    allShardsStoppedAfterFailure: ({ context }) => context.error !== null && everyShardIn(context.shardIds, context.stoppedShards, context.failedShards),
    failureIsBotWide: ({ event }) => {
      assertEvent(event, 'SHARD.FAILED');
      return isBotWide(event.error);
    },
    shardIsReleasing: ({ context, event }) => {
      assertEvent(event, 'SHARD.STOPPED');
      return context.releasingShards.includes(event.shardId);
    },
    everyShardFailed: ({ context, event }) => {
      assertEvent(event, 'SHARD.FAILED');
      return context.shardIds.every((id) => id === event.shardId || id in context.failedShards);
    },
  },
  actions: {
    recordGateway: enqueueActions(({ context, enqueue }, { result }: DiscoveryParams) => {
      if (!result.ok) return;
      const { ids, total } = selectShards(context.shards, result.info);
      enqueue.assign({ gateway: result.info, shardIds: context.leased ? [] : [...ids], candidateShardIds: [...ids], shardCount: total });
      enqueue.emit({ type: 'bot.gateway', gateway: result.info, shardIds: [...ids], shardCount: total });
    }),
    addShard: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'SHARD.ADD');
      const { shardId, storedSession } = event;
      const gateway = context.gateway;
      if (!gateway || context.shardIds.includes(shardId) || !context.candidateShardIds.includes(shardId)) return;
      enqueue.assign({
        shardIds: [...context.shardIds, shardId],
        stoppedShards: context.stoppedShards.filter((id) => id !== shardId),
        failedShards: Object.fromEntries(Object.entries(context.failedShards).filter(([id]) => Number(id) !== shardId)),
      });
      enqueue.spawnChild('shard', { id: shardActorId(shardId), systemId: shardActorId(shardId), input: shardInput(context, gateway.url, shardId, storedSession) });
    }),
    removeShard: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'SHARD.REMOVE');
      const { shardId } = event;
      if (!context.shardIds.includes(shardId) || context.releasingShards.includes(shardId)) return;
      enqueue.assign({ releasingShards: [...context.releasingShards, shardId] });
      enqueue.sendTo(shardActorId(shardId), { type: 'STOP', keepSession: true });
    }),
    finishRelease: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'SHARD.STOPPED');
      const { shardId } = event;
      enqueue.assign({
        shardIds: context.shardIds.filter((id) => id !== shardId),
        readyShards: context.readyShards.filter((id) => id !== shardId),
        releasingShards: context.releasingShards.filter((id) => id !== shardId),
      });
      enqueue.stopChild(shardActorId(shardId));
      enqueue.emit({ type: 'bot.shardReleased', shardId });
    }),
    spawnShards: enqueueActions(({ context, enqueue }, { stored }: { stored: Record<number, LoadedSession> }) => {
      const gateway = context.gateway;
      if (!gateway) return;
      const limit = gateway.sessionStartLimit;
      enqueue.spawnChild('identifyThrottle', {
        id: SystemId.identifyThrottle,
        systemId: SystemId.identifyThrottle,
        input: {
          maxConcurrency: limit?.maxConcurrency ?? 1,
          remaining: limit?.remaining ?? Number.MAX_SAFE_INTEGER,
          total: limit?.total ?? Number.MAX_SAFE_INTEGER,
          resetAfterMs: limit?.resetAfterMs ?? 24 * 60 * 60 * 1000,
        },
      });
      for (const shardId of context.shardIds) {
        enqueue.spawnChild('shard', {
          id: shardActorId(shardId),
          systemId: shardActorId(shardId),
          input: shardInput(context, gateway.url, shardId, stored[shardId] ?? null),
        });
      }
    }),
    recordShardReady: assign({
      readyShards: ({ context, event }) => {
        assertEvent(event, 'SHARD.READY');
        const { shardId } = event;
        return context.readyShards.includes(shardId) ? context.readyShards : [...context.readyShards, shardId];
      },
    }),
    recordShardStopped: assign({
      stoppedShards: ({ context, event }) => {
        assertEvent(event, 'SHARD.STOPPED');
        return [...context.stoppedShards, event.shardId];
      },
    }),
    recordShardFailure: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'SHARD.FAILED');
      enqueue.assign({
        failedShards: { ...context.failedShards, [event.shardId]: event.error },
        readyShards: context.readyShards.filter((id) => id !== event.shardId),
      });
    }),
    failWithShardError: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'SHARD.FAILED');
      enqueue.assign({ error: event.error });
      enqueue.emit({ type: 'bot.error', error: event.error });
    }),
    stopShards: enqueueActions(({ context, enqueue }) => {
      for (const shardId of context.shardIds) enqueue.sendTo(shardActorId(shardId), { type: 'STOP', keepSession: context.keepSessionsOnStop });
    }),
    releaseChildren: enqueueActions(({ context, enqueue }) => {
      for (const shardId of context.shardIds) enqueue.stopChild(shardActorId(shardId));
      enqueue.stopChild(SystemId.token);
      enqueue.stopChild(SystemId.identifyThrottle);
    }),
    stopHelpers: enqueueActions(({ system, enqueue }) => {
      // A token machine that already failed is final: it needs no STOP.
      const token = system.get(SystemId.token) as AnyActorRef | undefined;
      if (token?.getSnapshot().status === 'active') enqueue.sendTo(token, { type: 'STOP' });
      enqueue.stopChild(SystemId.identifyThrottle);
    }),
  },
  delays: {
    /** Shards close their sockets at once; this only bounds a shard that does not answer. */
    STOP_TIMEOUT: 5_000,
  },
}).createMachine({
  id: 'bot',
  context: ({ input }) => ({
    intents: input.intents,
    shards: input.shards,
    gatewayUrl: input.gatewayUrl ?? null,
    maxSessionAgeMs: input.maxSessionAgeMs ?? null,
    keepSessionsOnStop: input.keepSessionsOnStop ?? false,
    leased: input.leased ?? false,
    candidateShardIds: [],
    releasingShards: [],
    gateway: null,
    shardIds: [],
    shardCount: 0,
    readyShards: [],
    stoppedShards: [],
    failedShards: {},
    error: null,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        START: { target: 'active', actions: spawnChild('token', { id: SystemId.token, systemId: SystemId.token }) },
        STOP: 'stopped',
      },
    },
    active: {
      initial: 'discoveringGateway',
      on: {
        STOP: 'stopping',
        'SHARD.READY': { actions: 'recordShardReady' },
        'SHARD.STOPPED': [{ guard: 'shardIsReleasing', actions: 'finishRelease' }, { actions: 'recordShardStopped' }],
        'SHARD.ADD': { actions: 'addShard' },
        'SHARD.REMOVE': { actions: 'removeShard' },
        'SHARD.FAILED': [
          { guard: 'failureIsBotWide', target: 'stopping', actions: ['recordShardFailure', 'failWithShardError'] },
          { guard: 'everyShardFailed', target: 'stopping', actions: ['recordShardFailure', 'failWithShardError'] },
          {
            actions: [
              'recordShardFailure',
              emit(({ event }) => {
                assertEvent(event, 'SHARD.FAILED');
                return { type: 'bot.error' as const, error: event.error };
              }),
            ],
          },
        ],
      },
      states: {
        discoveringGateway: {
          invoke: {
            id: gatewayDiscoveryActorId,
            src: 'gatewayDiscovery',
            input: ({ context }) => ({ gatewayUrl: context.gatewayUrl }),
            onDone: [
              {
                guard: { type: 'discoveryFailed', params: discoveryParams },
                target: '#bot.failed',
                actions: assign({
                  error: ({ event }) => (event.output.ok ? null : event.output.error),
                }),
              },
              {
                guard: { type: 'sessionBudgetTooSmall', params: discoveryParams },
                target: '#bot.failed',
                actions: assign({
                  error: ({ context, event }) => {
                    const info = event.output.ok ? event.output.info : null;
                    const wanted = info ? selectShards(context.shards, info).ids.length : 0;
                    const remaining = info?.sessionStartLimit?.remaining ?? 0;
                    return new QQSessionLimitError(
                      `Not starting: ${wanted} shard(s) need ${wanted} session start(s) but session_start_limit.remaining is ${remaining}. ` +
                        `It resets in about ${Math.ceil((info?.sessionStartLimit?.resetAfterMs ?? 0) / 60_000)} min.`,
                    );
                  },
                }),
              },
              { target: 'loadingSessions', actions: { type: 'recordGateway', params: discoveryParams } },
            ],
          },
        },
        // A shard with a stored session RESUMEs it instead of identifying; a store that fails to
        // answer costs the sessions (the keeper reports it), not the start.
        loadingSessions: {
          invoke: {
            id: 'loadSessions',
            src: 'loadSessions',
            input: ({ context }) => ({ shardIds: context.shardIds, shardCount: context.shardCount }),
            onDone: { target: 'connectingShards', actions: { type: 'spawnShards', params: ({ event }) => ({ stored: event.output }) } },
            onError: { target: 'connectingShards', actions: { type: 'spawnShards', params: { stored: {} } } },
          },
        },
        connectingShards: {
          always: { guard: 'allShardsReady', target: 'running' },
          on: { 'SHARD.READY': { target: 'connectingShards', reenter: true, actions: 'recordShardReady' } },
        },
        running: {},
      },
    },
    stopping: {
      entry: ['stopShards', 'stopHelpers'],
      always: [
        { guard: 'allShardsStoppedAfterFailure', target: 'failed' },
        { guard: 'allShardsStopped', target: 'stopped' },
      ],
      on: { 'SHARD.STOPPED': { actions: 'recordShardStopped' } },
      after: { STOP_TIMEOUT: [{ guard: 'hasError', target: 'failed' }, { target: 'stopped' }] },
    },
    stopped: {
      type: 'final',
      entry: 'releaseChildren',
    },
    failed: {
      type: 'final',
      entry: [
        emit(({ context }) => ({
          type: 'bot.failed' as const,
          error: context.error ?? new QQBotError('GATEWAY_DISCOVERY', 'Bot failed', { fatal: true }),
        })),
        'releaseChildren',
      ],
    },
  },
});

export type BotActorRef = ActorRefFrom<typeof botMachine>;

export function selectShards(selection: ShardSelection, info: GatewayInfo): { ids: number[]; total: number } {
  if (selection === 'auto') {
    const total = Math.max(1, info.shards);
    return { ids: Array.from({ length: total }, (_, index) => index), total };
  }
  return { ids: [...selection.ids], total: selection.total };
}
