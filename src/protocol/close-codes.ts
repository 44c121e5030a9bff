/**
 * What the shard does after each WebSocket close code: the one table that drives reconnect policy.
 *
 * Sources: reference §5.1 (official table: [DOCS] dev-prepare/error-trace/websocket.md) and §5.3
 * (our synthesis from the SDKs' behaviour and field reports). 4004 comes from botgo's errs/err.go.
 *
 * Actions:
 * - `resume`: keep session_id and seq, reconnect, send op 6.
 * - `identify`: clear the session, reconnect, send op 2.
 * - `refresh-token`: invalidate the access token, fetch a new one, then reconnect and identify.
 * - `rate-limited`: wait the long rate-limit delay, then resume.
 * - `fatal`: never reconnect; the shard fails with a typed error.
 * - `fatal-bot`: as fatal, and the whole bot stops (the bot itself is delisted or banned).
 */
export type CloseAction = 'resume' | 'identify' | 'refresh-token' | 'rate-limited' | 'fatal' | 'fatal-bot';

export interface ClosePolicy {
  readonly action: CloseAction;
  readonly reason: string;
  /** Extra advice for the person reading the error (fatal codes). */
  readonly hint?: string;
}

const fixed: Record<number, ClosePolicy> = {
  1000: { action: 'resume', reason: 'normal closure' },
  1001: { action: 'resume', reason: 'going away' },
  1006: { action: 'resume', reason: 'abnormal closure (network drop)' },
  4001: { action: 'fatal', reason: 'invalid opcode', hint: 'client bug: the SDK sent an opcode the gateway does not know' },
  4002: { action: 'fatal', reason: 'invalid payload', hint: 'client bug: the SDK sent a malformed payload' },
  4003: { action: 'identify', reason: 'not authenticated yet (UNCONFIRMED code)' },
  4004: { action: 'refresh-token', reason: 'authentication failed (token invalid or expired)' },
  4005: { action: 'identify', reason: 'already authenticated (UNCONFIRMED code)' },
  4006: { action: 'identify', reason: 'session id invalid, cannot resume' },
  4007: { action: 'identify', reason: 'invalid seq on resume' },
  4008: { action: 'rate-limited', reason: 'sending payloads too fast' },
  4009: { action: 'resume', reason: 'connection expired (session timed out)' },
  4010: { action: 'fatal', reason: 'invalid shard', hint: 're-shard: check shards.total against GET /gateway/bot' },
  4011: { action: 'fatal', reason: 'too many guilds for this connection', hint: 're-shard: use more shards' },
  4012: { action: 'fatal', reason: 'invalid gateway version' },
  4013: { action: 'fatal', reason: 'invalid intent', hint: 'check the intents option' },
  4014: { action: 'fatal', reason: 'intent not permitted', hint: 'the bot is not approved for one of the requested intents' },
  4914: { action: 'fatal-bot', reason: 'bot delisted: sandbox connections only', hint: 'use sandbox: true or get the bot listed' },
  4915: { action: 'fatal-bot', reason: 'bot banned', hint: 'apply for unbanning in the QQ bot console' },
};

/** 4900–4913: platform internal errors. Clear the session and identify (reference §5.1). */
const internalError: ClosePolicy = { action: 'identify', reason: 'platform internal error' };
/** Anything else (including network errors without a close frame): resume with backoff (reference §5.3). */
const unknown: ClosePolicy = { action: 'resume', reason: 'unexpected close' };

/** The policy for a close code. Total: every number maps to an action. */
export function closePolicy(code: number): ClosePolicy {
  const known = fixed[code];
  if (known) return known;
  if (code >= 4900 && code <= 4913) return internalError;
  return unknown;
}

/** Every explicitly listed code, for docs and tests. */
export const closeCodeTable: Readonly<Record<number, ClosePolicy>> = fixed;
