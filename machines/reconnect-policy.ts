/**
 * The reconnect policy: how far along the reconnect schedule (machines/backoff.ts: 0, 1, 2, 5, 10,
 * 30, 60 s) a shard's next reconnect waits. Pure functions of two facts the shard machine keeps:
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
