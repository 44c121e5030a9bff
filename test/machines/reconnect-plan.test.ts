import { describe, expect, it } from 'vitest';
import {
  describeCause,
  maxAuthFailures,
  maxResumeFailures,
  planReconnect,
  type DisconnectCause,
  type ReconnectFacts,
  type ReconnectStep,
} from '../../machines/reconnect-policy.js';
import { QQGatewayError } from '../../src/errors.js';

/** A shard with a session to resume and no failures in a row. */
const resumable: ReconnectFacts = { shardId: 2, authFailures: 0, resumeFailures: 0, sessionId: 'session-1', dispatches: { seq: 41 } };
const noSession: ReconnectFacts = { ...resumable, sessionId: null, dispatches: { seq: null } };
const close = (code: number, reason = ''): DisconnectCause => ({ kind: 'close', code, reason });

describe('planReconnect (the reconnect decision, one row per cause)', () => {
  const rows: Array<[string, ReconnectFacts, DisconnectCause, ReconnectStep, boolean, boolean]> = [
    // [name, facts, cause, step, afterInvalidSession, fatal error]
    ['op 7 resumes', resumable, { kind: 'reconnect-requested' }, 'resume', false, false],
    ['a zombie resumes', resumable, { kind: 'zombie' }, 'resume', false, false],
    ['a timeout resumes', resumable, { kind: 'timeout', waitingFor: 'READY' }, 'resume', false, false],
    ['a network drop (1006) resumes', resumable, close(1006), 'resume', false, false],
    ['4009 resumes', resumable, close(4009), 'resume', false, false],
    ['an unknown close code resumes', resumable, close(4999), 'resume', false, false],
    ['4006 identifies afresh', resumable, close(4006), 'identify', false, false],
    ['4004 refreshes the token', resumable, close(4004), 'refresh-token', false, false],
    ['4008 waits (rate-limited)', resumable, close(4008), 'rate-limited', false, false],
    ['4013 is fatal for the shard', resumable, close(4013), 'fatal', false, true],
    ['4915 is fatal for the bot', resumable, close(4915), 'fatal-bot', false, true],
    ['op 9 resumable resumes after the invalid-session wait', resumable, { kind: 'invalid-session', resumable: true }, 'resume', true, false],
    ['op 9 not resumable identifies after the wait', resumable, { kind: 'invalid-session', resumable: false }, 'identify', true, false],
    ['an expired session identifies afresh', resumable, { kind: 'session-expired' }, 'identify', false, false],
    ['nothing to resume: identify', noSession, { kind: 'reconnect-requested' }, 'identify', false, false],
    ['a session without seq: identify', { ...resumable, dispatches: { seq: null } }, close(1006), 'identify', false, false],
    [`${maxResumeFailures} failed resumes: identify`, { ...resumable, resumeFailures: maxResumeFailures }, close(1006), 'identify', false, false],
    [`${maxResumeFailures - 1} failed resumes: resume again`, { ...resumable, resumeFailures: maxResumeFailures - 1 }, close(1006), 'resume', false, false],
    [`4004 after ${maxAuthFailures - 1} in a row: fatal`, { ...resumable, authFailures: maxAuthFailures - 1 }, close(4004), 'fatal', false, true],
    [`4004 after ${maxAuthFailures - 2} in a row: refresh`, { ...resumable, authFailures: maxAuthFailures - 2 }, close(4004), 'refresh-token', false, false],
  ];
  it.each(rows)('%s', (_name, facts, cause, step, afterInvalidSession, fatal) => {
    const plan = planReconnect(facts, cause);
    expect(plan.step).toBe(step);
    expect(plan.afterInvalidSession).toBe(afterInvalidSession);
    if (fatal) {
      expect(plan.error).toBeInstanceOf(QQGatewayError);
      expect(plan.error?.fatal).toBe(true);
      expect(plan.error?.shard).toBe(facts.shardId);
    } else {
      expect(plan.error).toBeNull();
    }
  });

  it('names the close code in the fatal error', () => {
    expect((planReconnect(resumable, close(4013)).error as QQGatewayError).closeCode).toBe(4013);
  });
});

describe('describeCause', () => {
  it.each<[DisconnectCause, string]>([
    [close(4009, 'expired'), 'close 4009 (expired)'],
    [close(1006), 'close 1006'],
    [{ kind: 'invalid-session', resumable: false }, 'op 9 invalid session (resumable: false)'],
    [{ kind: 'timeout', waitingFor: 'Hello (op 10)' }, 'timeout waiting for Hello (op 10)'],
    [{ kind: 'zombie' }, 'zombie'],
  ])('%j → %s', (cause, text) => expect(describeCause(cause)).toBe(text));
});
