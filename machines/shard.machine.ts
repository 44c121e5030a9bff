/*
 * Longer than ~350 lines on purpose: it is one statechart, and XState wants its states, guards, actions and delays in
 * one `setup().createMachine()`; split, the reader would lose the one-page view the diagram is drawn from. What is not
 * the chart lives beside it: the reconnect decision (reconnect-policy.ts), the frames (gateway-frames.ts), the
 * sequencer (dispatch-sequencer.ts), the socket's events (shard.events.ts).
 */
import { assertEvent, assign, cancel, emit, enqueueActions, fromCallback, fromPromise, raise, sendTo, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { QQBotError, QQInvalidSessionError, QQSessionLimitError, QQTimeoutError } from '../src/errors.js';
import type { ReadyData } from '../src/protocol/opcodes.js';
import type { Secret } from '../src/secret.js';
import { firstReconnectSpreadMs, maxTimerMs, reconnectDelayMs } from './backoff.js';
import { DispatchSequencer } from './dispatch-sequencer.js';
import { heartbeatFrame, identifyFrame, resumeFrame } from './gateway-frames.js';
import {
  failedAttemptsAfter,
  hasResumableSession,
  maxIdentifyRejections,
  planReconnect,
  reconnectScheduleStep,
  type DisconnectCause,
  type ReconnectPlan,
} from './reconnect-policy.js';
import type { SocketCommand, SocketEvent, SocketInput } from './shard.events.js';
import { SystemId } from './system-actors.js';
import type { AcquireTokenInput, TokenEvent } from './token.machine.js';

type TokenRejected = Extract<TokenEvent, { type: 'TOKEN.REJECTED' }>;

/**
 * One gateway connection (a shard), as the protocol describes it (reference §4, §5, §7):
 *
 *   [awaitingIdentifySlot →] acquiringToken → session { connecting → awaitingHello →
 *   identifying | resuming → ready { heartbeat: waiting ↔ awaitingAck, health: proving → healthy } }
 *   → disconnected →
 *   backoff | rateLimited | invalidSessionWait → acquiringToken …  ⇢ stopped | failed
 *
 * The socket is invoked on `session`, so leaving `session` closes it and a socket the machine has
 * left can no longer send it anything (XState ignores `sendBack` from a stopped actor, and leaving
 * `session` closes the socket's dispatch gate): one socket per shard, by construction. Every timer is
 * a named delay below. The reconnect schedule escalates on failed attempts only, not on the
 * disconnects of healthy sessions (`health` below, machines/reconnect-policy.ts).
 *
 * Dispatches (op 0) are the one thing the machine does not step through: the socket hands each one
 * to `context.dispatches` (machines/dispatch-sequencer.ts), which drops replays and redeliveries and
 * delivers the rest in order. The machine owns its sequence: READY starts it, identifying afresh
 * forgets it, heartbeats and RESUME read it.
 */

export interface ShardInput {
  shardId: number;
  shardCount: number;
  intents: number;
  gatewayUrl: string;
  /** Identify afresh after this long, even if resumes keep succeeding. */
  maxSessionAgeMs?: number | null;
  /** A session an earlier process stored (src/sessions/): the shard RESUMEs it instead of identifying. */
  storedSession?: { sessionId: string; seq: number; recentIds: readonly string[] } | null;
}

/** What the bot gave the shard when it spawned it: never reassigned, so every context shares one object. */
export interface ShardSettings {
  shardCount: number;
  intents: number;
  gatewayUrl: string;
  maxSessionAgeMs: number | null;
}

/** Refusals in a row, each back to 0 by READY (RESUMED: resume and auth), read by the reconnect plan. */
export interface ShardRefusals {
  resumeFailures: number;
  /** op 9 answers to IDENTIFY in a row: intents or credentials the platform refuses. */
  identifyRejections: number;
  /** 4004 closes in a row. */
  authFailures: number;
}

/**
 * At most 16 top-level fields, on purpose: XState's `assign` copies the context with `Object.assign({}, context,
 * update)`, and V8 keeps an object built that way fast only up to 16 properties (4 in-object + its
 * kFastPropertiesSoftLimit of 12); beyond, it becomes a hash table, ≈ 1.6 KB per shard instead of ≈ 0.2 KB (issue 20,
 * idle-shard heap). Related fields are grouped instead (`settings`, `refusals`, `heartbeat`);
 * test/machines/shard-context.test.ts holds the line.
 */
export interface ShardContext {
  shardId: number;
  settings: ShardSettings;
  token: Secret | null;
  sessionId: string | null;
  /** From Hello's `heartbeat_interval`; the latency of the last heartbeat's ACK. */
  heartbeat: { intervalMs: number; latencyMs: number | null };
  /**
   * Connection attempts in a row that ended before their session was healthy; back to 0 when a
   * session becomes healthy. The reconnect schedule's step follows it (machines/reconnect-policy.ts).
   */
  failedAttempts: number;
  /** The current connection's session has become healthy (`ready.health.healthy`). */
  sessionHealthy: boolean;
  /** Dispatches the sequencer had received when the session became ready: later ones are traffic. */
  dispatchesAtReady: number;
  /** Every reconnect since the shard started, for dashboards. */
  reconnects: number;
  refusals: ShardRefusals;
  forceTokenRefresh: boolean;
  /**
   * The identify throttle granted a slot; the token is fetched after the grant, because the wait for
   * a slot can be longer than a token has left (N shards × 5 s).
   */
  identifySlotGranted: boolean;
  lastCause: DisconnectCause | null;
  plan: ReconnectPlan | null;
  error: QQBotError | null;
  /** The session's sequence (`seq`), dedupe and delivery of dispatches. Mutable, like a ref. */
  dispatches: DispatchSequencer;
}

const noRefusals: ShardRefusals = { resumeFailures: 0, identifyRejections: 0, authFailures: 0 };

export type ShardEvent =
  | SocketEvent
  /** `keepSession`: close with a resumable code, so another process can RESUME the session. */
  | { type: 'STOP'; keepSession?: boolean }
  | { type: 'IDENTIFY.GRANTED' }
  | { type: 'IDENTIFY.DENIED'; reason: string }
  | { type: 'SESSION.STARTED' }
  | { type: 'SESSION.EXPIRED' }
  | { type: 'SHARD.ENDED' }
  /** The shard's own heartbeat timer: one interval since the last beat was sent (or since READY/RESUMED). */
  | { type: 'HEARTBEAT.DUE' };

export type ShardEmitted =
  | { type: 'shard.ready'; shard: number; sessionId: string; user: ReadyData['user'] }
  | { type: 'shard.resumed'; shard: number; sessionId: string }
  | { type: 'shard.disconnected'; shard: number; cause: DisconnectCause; plan: ReconnectPlan }
  | { type: 'shard.heartbeat'; shard: number; latencyMs: number | null }
  | { type: 'shard.error'; shard: number; error: QQBotError };

/** What a shard asks of the identify throttle (machines/identify-throttle.machine.ts). */
export interface IdentifyRequest {
  type: 'IDENTIFY.REQUEST';
  shardId: number;
  replyTo: AnyActorRef;
}

/** What a shard reports to the bot machine. */
export type ShardReport =
  | { type: 'SHARD.READY'; shardId: number }
  | { type: 'SHARD.FAILED'; shardId: number; error: QQBotError }
  | { type: 'SHARD.STOPPED'; shardId: number };

/** The id of the pending HEARTBEAT.DUE, cancelled when the session leaves `ready`. */
const nextBeatId = 'nextHeartbeat';

/** The close code we use when we close a socket we intend to resume (anything but 1000/1001). */
export const resumableCloseCode = 4000;

/** Dispatch frames the shard's sequencer has taken (delivered or dropped as duplicates). */
function dispatchesReceived(dispatches: DispatchSequencer): number {
  return dispatches.delivered + dispatches.duplicates;
}

function sequencerFor(stored: ShardInput['storedSession']): DispatchSequencer {
  const sequencer = new DispatchSequencer();
  if (stored) sequencer.restore(stored.seq, stored.recentIds);
  return sequencer;
}

/**
 * A wait that ran out: the shard disconnects, with the timeout as the cause the reconnect plan reads, and reports
 * it as a `QQTimeoutError`. `then` are actions of the shard machine to run after.
 */
function timedOut<const TThen extends readonly 'countResumeFailure'[]>(waitingFor: string, ...then: TThen) {
  return {
    target: '#shard.connection.disconnected',
    actions: [
      { type: 'recordTimeout', params: { waitingFor } },
      { type: 'reportTimeout', params: { waitingFor } },
      ...then,
    ],
  } as const;
}

export const shardMachine = setup({
  types: {
    context: {} as ShardContext,
    events: {} as ShardEvent,
    emitted: {} as ShardEmitted,
    input: {} as ShardInput,
  },
  actors: {
    acquireToken: fromPromise<Secret, AcquireTokenInput>(async () => {
      throw new Error('acquireToken is not provided');
    }),
    socket: fromCallback<SocketCommand, SocketInput, SocketEvent>(() => {
      throw new Error('socket is not provided');
    }),
  },
  guards: {
    canResume: ({ context }) => hasResumableSession(context),
    needsIdentifySlot: ({ context }) => !context.identifySlotGranted && !hasResumableSession(context),
    identifyKeepsBeingRejected: ({ context }) => context.refusals.identifyRejections + 1 >= maxIdentifyRejections,
    planIsFatal: ({ context }) => context.plan?.step === 'fatal' || context.plan?.step === 'fatal-bot',
    planIsRateLimited: ({ context }) => context.plan?.step === 'rate-limited',
    planFollowsInvalidSession: ({ context }) => context.plan?.afterInvalidSession === true,
    hasMaxSessionAge: ({ context }) => context.settings.maxSessionAgeMs !== null && context.settings.maxSessionAgeMs > 0,
    /** Dispatches arrived since READY/RESUMED (a resume replay came before RESUMED and does not count). */
    dispatchesFlowing: ({ context }) => dispatchesReceived(context.dispatches) > context.dispatchesAtReady,
  },
  actions: {
    sendIdentify: sendTo('socket', ({ context }): SocketCommand => ({ type: 'SEND', frame: identifyFrame({ ...context.settings, shardId: context.shardId, token: context.token }, process.platform) })),
    sendResume: sendTo('socket', ({ context }): SocketCommand => ({
      type: 'SEND',
      frame: resumeFrame(context.token, context.sessionId, context.dispatches.seq),
    })),
    /** The heartbeat timer (a delayed event, so an ACK in between does not restart it). */
    scheduleNextBeat: raise({ type: 'HEARTBEAT.DUE' }, { id: nextBeatId, delay: 'HEARTBEAT_INTERVAL' }),
    sendHeartbeat: sendTo('socket', ({ context }): SocketCommand => ({ type: 'SEND', frame: heartbeatFrame(context.dispatches.seq) })),
    closeSocket: sendTo('socket', ({ event }): SocketCommand =>
      event.type === 'STOP' && !event.keepSession
        ? { type: 'CLOSE', code: 1000, reason: 'stopped' }
        : { type: 'CLOSE', code: resumableCloseCode, reason: 'reconnecting' },
    ),
    requestIdentifySlot: enqueueActions(({ system, self, context, enqueue }) => {
      const throttle = system.get(SystemId.identifyThrottle);
      const request: IdentifyRequest = { type: 'IDENTIFY.REQUEST', shardId: context.shardId, replyTo: self };
      if (throttle) enqueue.sendTo(throttle, request);
      else enqueue.raise({ type: 'IDENTIFY.GRANTED' });
    }),
    notifyIdentifySent: enqueueActions(({ system, context, enqueue }) => {
      const throttle = system.get(SystemId.identifyThrottle);
      const sent: { type: 'IDENTIFY.SENT'; shardId: number } = { type: 'IDENTIFY.SENT', shardId: context.shardId };
      if (throttle) enqueue.sendTo(throttle, sent);
    }),
    notifyBotReady: enqueueActions(({ system, context, enqueue }) => {
      const bot = system.get(SystemId.bot);
      const ready: ShardReport = { type: 'SHARD.READY', shardId: context.shardId };
      if (bot) enqueue.sendTo(bot, ready);
    }),
    notifyBotFailed: enqueueActions(({ system, context, enqueue }) => {
      const bot = system.get(SystemId.bot);
      if (bot && context.error) {
        const failed: ShardReport = { type: 'SHARD.FAILED', shardId: context.shardId, error: context.error };
        enqueue.sendTo(bot, failed);
      }
    }),
    notifyBotStopped: enqueueActions(({ system, context, enqueue }) => {
      const bot = system.get(SystemId.bot);
      const stopped: ShardReport = { type: 'SHARD.STOPPED', shardId: context.shardId };
      if (bot) enqueue.sendTo(bot, stopped);
    }),
    /** The socket is being left: anything it still reads is stale. */
    closeDispatchGate: ({ context }) => context.dispatches.closeGates(),
    reportProtocolError: emit(({ context, event }) => {
      assertEvent(event, 'GATEWAY.MALFORMED');
      return { type: 'shard.error' as const, shard: context.shardId, error: event.error };
    }),
    storeHeartbeatInterval: assign({
      heartbeat: ({ context, event }) => {
        assertEvent(event, 'GATEWAY.HELLO');
        return { ...context.heartbeat, intervalMs: event.heartbeatInterval };
      },
    }),
    recordLatency: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'GATEWAY.HEARTBEAT_ACK');
      const latencyMs = event.latencyMs;
      enqueue.assign({ heartbeat: { ...context.heartbeat, latencyMs } });
      enqueue.emit({ type: 'shard.heartbeat', shard: context.shardId, latencyMs });
    }),
    startSession: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'GATEWAY.READY');
      const ready = event;
      enqueue.assign({
        sessionId: ready.data.session_id,
        refusals: noRefusals,
        error: null,
      });
      enqueue(() => context.dispatches.startSession(ready.seq));
      enqueue.raise({ type: 'SESSION.STARTED' });
      enqueue.emit({ type: 'shard.ready', shard: context.shardId, sessionId: ready.data.session_id, user: ready.data.user });
    }),
    resumeSession: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'GATEWAY.RESUMED');
      const resumed = event;
      enqueue.assign({ refusals: { ...context.refusals, resumeFailures: 0, authFailures: 0 }, error: null });
      enqueue(() => context.dispatches.resumedAt(resumed.seq));
      enqueue.emit({ type: 'shard.resumed', shard: context.shardId, sessionId: context.sessionId ?? '' });
    }),
    countResumeFailure: assign({
      refusals: ({ context }) => ({ ...context.refusals, resumeFailures: context.refusals.resumeFailures + 1 }),
    }),
    countIdentifyRejection: assign({
      refusals: ({ context }) => ({ ...context.refusals, identifyRejections: context.refusals.identifyRejections + 1 }),
    }),
    forgetSession: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ sessionId: null });
      enqueue(() => context.dispatches.forget());
    }),
    noteDispatchesAtReady: assign({ dispatchesAtReady: ({ context }) => dispatchesReceived(context.dispatches) }),
    /** The session is healthy: the reconnect schedule starts again from its first step. */
    restartReconnectSchedule: assign({ sessionHealthy: true, failedAttempts: 0 }),
    /** The connection ended; unless its session was healthy, that was one more failed attempt. */
    countAttemptOutcome: assign({
      failedAttempts: ({ context }) => failedAttemptsAfter(context.failedAttempts, context.sessionHealthy),
      sessionHealthy: false,
    }),
    recordClose: assign({
      lastCause: ({ event }) => {
        assertEvent(event, 'SOCKET.CLOSED');
        return { kind: 'close', code: event.code, reason: event.reason } satisfies DisconnectCause;
      },
    }),
    recordReconnectRequest: assign({ lastCause: { kind: 'reconnect-requested' } satisfies DisconnectCause }),
    recordInvalidSession: assign({
      lastCause: ({ event }) => {
        assertEvent(event, 'GATEWAY.INVALID_SESSION');
        return { kind: 'invalid-session', resumable: event.resumable } satisfies DisconnectCause;
      },
    }),
    recordZombie: assign({ lastCause: { kind: 'zombie' } satisfies DisconnectCause }),
    recordSessionExpired: assign({ lastCause: { kind: 'session-expired' } satisfies DisconnectCause }),
    recordTimeout: assign({
      lastCause: (_, params: { waitingFor: string }) => ({ kind: 'timeout', waitingFor: params.waitingFor }) satisfies DisconnectCause,
    }),
    reportTimeout: emit(({ context }, params: { waitingFor: string }) => ({
      type: 'shard.error' as const,
      shard: context.shardId,
      error: new QQTimeoutError(params.waitingFor, context.shardId),
    })),
    planReconnect: enqueueActions(({ context, enqueue, system }) => {
      const cause: DisconnectCause = context.lastCause ?? { kind: 'reconnect-requested' };
      const { authFailures } = context.refusals;
      const plan = planReconnect({ ...context.refusals, shardId: context.shardId, sessionId: context.sessionId, dispatches: context.dispatches }, cause);
      enqueue.assign({
        plan,
        error: plan.error,
        forceTokenRefresh: plan.step === 'refresh-token',
        ...(plan.step === 'refresh-token' ? { refusals: { ...context.refusals, authFailures: authFailures + 1 } } : {}),
        ...(plan.step === 'identify' ? { sessionId: null } : {}),
      });
      if (plan.step === 'identify') enqueue(() => context.dispatches.forget());
      // The platform refused our token (4004): the token actor stops serving it now, not when this
      // shard's backoff ends, so no other shard resumes or identifies with it meanwhile.
      const tokenActor = system.get(SystemId.token);
      if (plan.step === 'refresh-token' && tokenActor) {
        const rejected: TokenRejected = { type: 'TOKEN.REJECTED' };
        enqueue.sendTo(tokenActor, rejected);
      }
      enqueue.emit({ type: 'shard.disconnected', shard: context.shardId, cause, plan });
    }),
    countReconnect: assign({ reconnects: ({ context }) => context.reconnects + 1 }),
    failIdentify: assign({
      error: ({ context }) =>
        new QQInvalidSessionError(
          `The gateway refused IDENTIFY ${context.refusals.identifyRejections + 1} times in a row (op 9). ` +
            'The intents are probably not permitted for this bot, or the credentials are wrong.',
          { resumable: false, fatal: true, shard: context.shardId },
        ),
    }),
    failSessionLimit: assign({
      error: ({ event }) => {
        assertEvent(event, 'IDENTIFY.DENIED');
        return new QQSessionLimitError(event.reason);
      },
    }),
    /** Params: the acquireToken actor's error event, which `assertEvent` cannot name. */
    failTokenUnavailable: assign({
      error: (_, params: { error: unknown }) =>
        params.error instanceof QQBotError ? params.error : new QQBotError('AUTH', String(params.error), { fatal: true }),
    }),
    reportFailure: emit(({ context }) => ({
      type: 'shard.error' as const,
      shard: context.shardId,
      error: context.error ?? new QQBotError('GATEWAY_CLOSED', 'Shard failed', { fatal: true, shard: context.shardId }),
    })),
  },
  delays: {
    /** Socket open handshake. */
    CONNECT_TIMEOUT: 15_000,
    /** Hello (op 10) after the socket opened. */
    HELLO_TIMEOUT: 15_000,
    /** READY after IDENTIFY. */
    READY_TIMEOUT: 20_000,
    /** RESUMED after RESUME (the replay comes first, so generous). */
    RESUMED_TIMEOUT: 30_000,
    /** From Hello's `heartbeat_interval`. */
    HEARTBEAT_INTERVAL: ({ context }) => context.heartbeat.intervalMs,
    /** A session with dispatches flowing for this long is healthy even before its first ACK. */
    HEALTHY_BY_TRAFFIC_AFTER: ({ context }) => context.heartbeat.intervalMs,
    /** The schedule's step after the failed attempts in a row (machines/reconnect-policy.ts). */
    RECONNECT_BACKOFF: ({ context }) =>
      reconnectDelayMs(reconnectScheduleStep(context.failedAttempts), Math.random, firstReconnectSpreadMs(context.settings.shardCount)),
    /** 4008: the platform asks us to slow down (qqbot-nodejs waits 60 s; reference §5.3). */
    RATE_LIMIT_WAIT: 60_000,
    /** op 9: a short random wait before identifying again (reference §4.6: about 3 s). */
    INVALID_SESSION_WAIT: () => 1_000 + Math.round(Math.random() * 4_000),
    MAX_SESSION_AGE: ({ context }) => Math.min(context.settings.maxSessionAgeMs ?? maxTimerMs, maxTimerMs),
  },
}).createMachine({
  id: 'shard',
  type: 'parallel',
  context: ({ input }) => ({
    shardId: input.shardId,
    settings: {
      shardCount: input.shardCount,
      intents: input.intents,
      gatewayUrl: input.gatewayUrl,
      maxSessionAgeMs: input.maxSessionAgeMs ?? null,
    },
    token: null,
    sessionId: input.storedSession?.sessionId ?? null,
    heartbeat: { intervalMs: 45_000, latencyMs: null },
    failedAttempts: 0,
    sessionHealthy: false,
    dispatchesAtReady: 0,
    reconnects: 0,
    refusals: noRefusals,
    forceTokenRefresh: false,
    identifySlotGranted: false,
    lastCause: null,
    plan: null,
    error: null,
    dispatches: sequencerFor(input.storedSession),
  }),
  states: {
    connection: {
      initial: 'acquiringToken',
      on: {
        STOP: '.stopped',
        'SESSION.EXPIRED': { actions: 'forgetSession' },
      },
      states: {
        acquiringToken: {
          // IDENTIFY waits for its slot first and takes the token after: the wait for a slot can be
          // longer than the token has left (N shards × 5 s), and an expired token gets 4004.
          always: { guard: 'needsIdentifySlot', target: 'awaitingIdentifySlot' },
          invoke: {
            id: 'acquireToken',
            src: 'acquireToken',
            input: ({ context }) => ({ forceRefresh: context.forceTokenRefresh }),
            // Here the shard resumes, or identifies with a slot: the `always` above leaves for the
            // slot whenever neither holds (also when the session is forgotten during the fetch).
            onDone: {
              target: 'session',
              actions: assign({ token: ({ event }) => event.output, forceTokenRefresh: false, identifySlotGranted: false }),
            },
            onError: { target: 'failed', actions: { type: 'failTokenUnavailable', params: ({ event }) => ({ error: event.error }) } },
          },
        },
        awaitingIdentifySlot: {
          entry: 'requestIdentifySlot',
          on: {
            'IDENTIFY.GRANTED': { target: 'acquiringToken', actions: assign({ identifySlotGranted: true }) },
            'IDENTIFY.DENIED': { target: 'failed', actions: 'failSessionLimit' },
          },
        },
        session: {
          invoke: {
            id: 'socket',
            src: 'socket',
            input: ({ context }) => ({ url: context.settings.gatewayUrl, shardId: context.shardId, dispatches: context.dispatches.gate() }),
          },
          exit: ['closeDispatchGate', 'closeSocket'],
          on: {
            'SOCKET.CLOSED': { target: 'disconnected', actions: 'recordClose' },
            'GATEWAY.RECONNECT': { target: 'disconnected', actions: 'recordReconnectRequest' },
            'GATEWAY.INVALID_SESSION': { target: 'disconnected', actions: 'recordInvalidSession' },
            'GATEWAY.MALFORMED': { actions: 'reportProtocolError' },
          },
          initial: 'connecting',
          states: {
            connecting: {
              on: { 'SOCKET.OPEN': 'awaitingHello' },
              after: {
                CONNECT_TIMEOUT: timedOut('the socket to open'),
              },
            },
            awaitingHello: {
              on: {
                'GATEWAY.HELLO': [
                  { guard: 'canResume', target: 'resuming', actions: 'storeHeartbeatInterval' },
                  { target: 'identifying', actions: 'storeHeartbeatInterval' },
                ],
              },
              after: {
                HELLO_TIMEOUT: timedOut('Hello (op 10)'),
              },
            },
            identifying: {
              entry: ['sendIdentify', 'notifyIdentifySent'],
              on: {
                'GATEWAY.READY': { target: 'ready', actions: ['startSession', 'notifyBotReady'] },
                'GATEWAY.INVALID_SESSION': [
                  { guard: 'identifyKeepsBeingRejected', target: '#shard.connection.failed', actions: 'failIdentify' },
                  { target: '#shard.connection.disconnected', actions: ['countIdentifyRejection', 'recordInvalidSession'] },
                ],
              },
              after: {
                READY_TIMEOUT: timedOut('READY'),
              },
            },
            resuming: {
              entry: 'sendResume',
              on: {
                'GATEWAY.RESUMED': { target: 'ready', actions: ['resumeSession', 'notifyBotReady'] },
                'SOCKET.CLOSED': { target: '#shard.connection.disconnected', actions: ['recordClose', 'countResumeFailure'] },
                'GATEWAY.INVALID_SESSION': {
                  target: '#shard.connection.disconnected',
                  actions: ['recordInvalidSession', 'countResumeFailure'],
                },
              },
              after: {
                RESUMED_TIMEOUT: timedOut('RESUMED', 'countResumeFailure'),
              },
            },
            ready: {
              type: 'parallel',
              on: {
                'SESSION.EXPIRED': { target: '#shard.connection.disconnected', actions: 'recordSessionExpired' },
              },
              states: {
                // One beat every HEARTBEAT_INTERVAL, timed from the previous beat's send (reference §7): each beat
                // schedules the next (HEARTBEAT.DUE) and the ACK does not touch that timer, so beats do not drift by
                // the round trip. A beat due while the previous one is unanswered means a zombie connection.
                heartbeat: {
                  initial: 'waiting',
                  entry: 'scheduleNextBeat',
                  exit: cancel(nextBeatId),
                  on: { 'GATEWAY.HEARTBEAT_REQUEST': { actions: 'sendHeartbeat' } },
                  states: {
                    waiting: {
                      on: {
                        'GATEWAY.HEARTBEAT_ACK': { actions: 'recordLatency' },
                        'HEARTBEAT.DUE': 'awaitingAck',
                      },
                    },
                    awaitingAck: {
                      entry: ['sendHeartbeat', 'scheduleNextBeat'],
                      on: {
                        'GATEWAY.HEARTBEAT_ACK': { target: 'waiting', actions: 'recordLatency' },
                        'HEARTBEAT.DUE': {
                          target: '#shard.connection.disconnected',
                          actions: ['recordZombie', { type: 'reportTimeout', params: { waitingFor: 'a heartbeat ACK (zombie connection)' } }],
                        },
                      },
                    },
                  },
                },
                // Healthy (machines/reconnect-policy.ts): READY/RESUMED, then one heartbeat ACK or one
                // heartbeat interval of dispatches. Only then does a disconnect restart the schedule.
                health: {
                  initial: 'proving',
                  states: {
                    proving: {
                      entry: 'noteDispatchesAtReady',
                      on: { 'GATEWAY.HEARTBEAT_ACK': 'healthy' },
                      after: { HEALTHY_BY_TRAFFIC_AFTER: { guard: 'dispatchesFlowing', target: 'healthy' } },
                    },
                    healthy: { entry: 'restartReconnectSchedule' },
                  },
                },
              },
            },
          },
        },
        disconnected: {
          entry: ['countAttemptOutcome', 'planReconnect'],
          always: [
            { guard: 'planIsFatal', target: 'failed' },
            { guard: 'planIsRateLimited', target: 'rateLimited' },
            { guard: 'planFollowsInvalidSession', target: 'invalidSessionWait' },
            { target: 'backoff' },
          ],
        },
        backoff: {
          entry: 'countReconnect',
          after: { RECONNECT_BACKOFF: 'acquiringToken' },
        },
        rateLimited: {
          entry: 'countReconnect',
          after: { RATE_LIMIT_WAIT: 'acquiringToken' },
        },
        invalidSessionWait: {
          entry: 'countReconnect',
          after: { INVALID_SESSION_WAIT: 'acquiringToken' },
        },
        stopped: {
          type: 'final',
          entry: ['notifyBotStopped', raise({ type: 'SHARD.ENDED' })],
        },
        failed: {
          type: 'final',
          entry: ['reportFailure', 'notifyBotFailed', raise({ type: 'SHARD.ENDED' })],
        },
      },
    },
    sessionAge: {
      initial: 'untracked',
      on: { 'SHARD.ENDED': '.ended' },
      states: {
        untracked: {
          on: { 'SESSION.STARTED': { guard: 'hasMaxSessionAge', target: 'counting' } },
        },
        counting: {
          on: { 'SESSION.STARTED': { target: 'counting', reenter: true } },
          after: { MAX_SESSION_AGE: { target: 'untracked', actions: raise({ type: 'SESSION.EXPIRED' }) } },
        },
        ended: { type: 'final' },
      },
    },
  },
});

export type ShardActorRef = ActorRefFrom<typeof shardMachine>;
