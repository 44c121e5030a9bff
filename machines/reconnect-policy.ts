/**
 * The reconnect policy: what a shard does after its connection ended (`planReconnect`: the causes, the close-code
 * table, the limits), and how far along the reconnect schedule (machines/backoff.ts: 0, 1, 2, 5, 10,
 * 30, 60 s) a shard's next reconnect waits. All pure. The schedule's step follows two facts the shard machine keeps:
 * whether the session that just ended was *healthy*, and how many attempts in a row have failed.
 *
 * **Healthy** (one definition, used by the `health` region of `ready` in machines/shard.machine.ts):
 * a session is healthy once it got READY or RESUMED **and** then either one heartbeat ACK, or one
 * heartbeat interval with dispatches flowing. Before that it is *proving*. A healthy session has
 * shown that the socket, the token, the session and the platform all work; a session that dies while
 * proving has not.
 *
 * **Failed attempt**: a connection that ended without reaching a healthy session: the socket never
 * opened, no Hello, the handshake was refused (op 9, a 4xxx close before READY/RESUMED), a timeout,
 * or a session that died while proving (the platform accepts RESUME and closes at once).
 *
 * The schedule escalates on failed attempts, not on disconnects: a healthy session's disconnect
 * (op 7, 4009, a TCP drop, a zombie) reconnects at the first step (0, plus the per-shard spread), so
 * a bot on a flaky network that resumes every time keeps recovering in milliseconds, blip after blip
 * (issue 13). Failed attempts in a row walk the schedule: the first one is retried at the first step
 * too — it is most often the tail of the same blip (a close during the resume replay, a socket cut
 * while the gateway node restarts) — and from the second one on the wait grows 1, 2, 5, 10, 30,
 * 60 s. That keeps the bound of the old policy: a platform that accepts every RESUME and closes at
 * once gets at most 7 connections in the first minute and then one per 60–72 s (docs/lifecycle.md,
 * test/machines/reconnect-policy.test.ts).
 */
import { QQGatewayError, type QQBotError } from '../src/errors.js';
import { closePolicy, type CloseAction } from '../src/protocol/close-codes.js';
import { reconnectScheduleMs } from './backoff.js';

/** Failed attempts in a row after a connection ended: a healthy session ends the run. */
export function failedAttemptsAfter(failedBefore: number, sessionWasHealthy: boolean): number {
  return sessionWasHealthy ? 0 : failedBefore + 1;
}

/**
 * The step of the reconnect schedule the next reconnect waits for, after `failedAttempts` failed
 * attempts in a row: 0 after a healthy session and after the first failure, then one step further
 * per failure, up to the last step.
 */
export function reconnectScheduleStep(failedAttempts: number): number {
  return Math.min(Math.max(0, failedAttempts - 1), reconnectScheduleMs.length - 1);
}

/** Why the last connection ended; `planReconnect` turns it into the next step. */
export type DisconnectCause =
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'reconnect-requested' }
  | { kind: 'invalid-session'; resumable: boolean }
  | { kind: 'zombie' }
  | { kind: 'timeout'; waitingFor: string }
  | { kind: 'session-expired' };

export type ReconnectStep = Exclude<CloseAction, 'refresh-token'> | 'refresh-token';

export interface ReconnectPlan {
  step: ReconnectStep;
  /** Wait for the invalid-session delay instead of the reconnect backoff (op 9). */
  afterInvalidSession: boolean;
  error: QQBotError | null;
}

/** What `planReconnect` reads of a shard (its machine context has all of it). */
export interface ReconnectFacts {
  shardId: number;
  /** 4004 closes in a row. */
  authFailures: number;
  /** Failed resumes in a row. */
  resumeFailures: number;
  /** The session's id from READY, if any. */
  sessionId: string | null;
  /** The session's sequence (`seq`), if any. */
  dispatches: { readonly seq: number | null };
}

/** After this many failed resumes in a row, identify afresh (reference §5.3; peer-sdks §3 pain 1). */
export const maxResumeFailures = 3;
/** op 9 right after IDENTIFY this many times in a row means intents or credentials: fail. */
export const maxIdentifyRejections = 2;
/** 4004 with a freshly fetched token this many times in a row: the credentials do not work. */
export const maxAuthFailures = 3;

/** A session to RESUME: its id from READY and a sequence number to resume from. */
export function hasResumableSession(facts: Pick<ReconnectFacts, 'sessionId' | 'dispatches'>): boolean {
  return facts.sessionId !== null && facts.dispatches.seq !== null;
}

/**
 * The next step after a connection ended: the close-code table's action (src/protocol/close-codes.ts) for a close,
 * RESUME after op 7, a zombie or a timeout, and the limits on top (identify afresh when there is nothing to
 * resume or resumes keep failing; give up after 4004 with fresh tokens `maxAuthFailures` times in a row).
 */
export function planReconnect(facts: ReconnectFacts, cause: DisconnectCause): ReconnectPlan {
  const shard = facts.shardId;
  const base = (step: ReconnectStep, afterInvalidSession = false, error: QQBotError | null = null): ReconnectPlan => ({
    step,
    afterInvalidSession,
    error,
  });
  let plan: ReconnectPlan;
  switch (cause.kind) {
    case 'close': {
      const policy = closePolicy(cause.code);
      const fatal = policy.action === 'fatal' || policy.action === 'fatal-bot';
      const error = fatal
        ? new QQGatewayError(cause.code, cause.reason || policy.reason, { fatal: true, hint: policy.hint, shard })
        : null;
      plan = base(policy.action, false, error);
      break;
    }
    case 'invalid-session':
      plan = base(cause.resumable ? 'resume' : 'identify', true);
      break;
    case 'session-expired':
      plan = base('identify');
      break;
    case 'reconnect-requested':
    case 'zombie':
    case 'timeout':
      plan = base('resume');
      break;
  }
  if (plan.step === 'refresh-token' && facts.authFailures + 1 >= maxAuthFailures) {
    plan = base('fatal', false, new QQGatewayError(4004, 'authentication failed with fresh tokens', { fatal: true, shard }));
  }
  if (plan.step === 'resume' && (!hasResumableSession(facts) || facts.resumeFailures >= maxResumeFailures)) {
    plan = { ...plan, step: 'identify' };
  }
  return plan;
}

/** One line for logs and the state snapshot. */
export function describeCause(cause: DisconnectCause): string {
  switch (cause.kind) {
    case 'close':
      return `close ${cause.code}${cause.reason ? ` (${cause.reason})` : ''}`;
    case 'invalid-session':
      return `op 9 invalid session (resumable: ${cause.resumable})`;
    case 'timeout':
      return `timeout waiting for ${cause.waitingFor}`;
    default:
      return cause.kind;
  }
}
