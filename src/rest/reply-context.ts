import { QQConfigError } from '../errors.js';
import { QQReplyRuleError, type ReplyRule } from './errors.js';
import { acceptsEventId, replyRules, type ReplyScene } from '../protocol/reply-rules.js';

export interface ReplyContextOptions<S extends ReplyScene = ReplyScene> {
  scene: S;
  /** Where replies go: user openid (c2c), group openid (group), channel id (guild), DM guild id (dm). */
  target: string;
  /** `d.id` of the inbound user message; preferred over `eventId`. */
  msgId?: string;
  /** The envelope `id` of the inbound event, for events that take `event_id` replies (reference §9.3). */
  eventId?: string;
  /** The inbound event type, to check that `eventId` may be replied to. Omit to trust the caller. */
  eventType?: string;
  /** When the message/event arrived, ms on the `now` clock. */
  receivedAt: number;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

/** The fields that make a send a passive reply. */
export interface PassiveReplyFields {
  msg_id?: string;
  event_id?: string;
  /** Always allocated; only C2C/group bodies carry it (`replyRules[scene].usesMsgSeq`). */
  msg_seq: number;
}

/** What is left of a context's passive-reply allowance. `replies` is `Infinity` where the docs set no limit. */
export interface ReplyAllowance {
  replies: number;
  msLeft: number;
}

/**
 * The passive-reply state of one inbound message or event: its window, its reply count, and its `msg_seq`
 * counter. Checks run before any request, so a reply the platform would refuse fails locally with a
 * `QQReplyRuleError` that says why.
 */
export interface ReplyContext<S extends ReplyScene = ReplyScene> {
  readonly scene: S;
  readonly target: string;
  readonly msgId: string | undefined;
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly receivedAt: number;
  /** Throws `QQReplyRuleError` when a passive reply is not possible now. Takes nothing. */
  check(): void;
  /**
   * Checks, then takes a reply slot and the next `msg_seq` (1, 2, …). A `msg_seq` is never handed out twice,
   * even when the send that used it fails, because a request that left may have reached the platform.
   */
  claim(): PassiveReplyFields;
  /** Gives the reply slot back after the platform definitively refused the send; the `msg_seq` stays spent. */
  release(): void;
  remaining(): ReplyAllowance;
  /** ms since the message/event arrived. */
  elapsed(): number;
}

/**
 * Creates the passive-reply state for one inbound message/event. The bot layer makes one per event.
 *
 * @example
 * const ctx = createReplyContext({ scene: 'c2c', target: d.author.user_openid, msgId: d.id, receivedAt: Date.now() });
 * const fields = ctx.claim(); // { msg_id: d.id, msg_seq: 1 }
 */
export function createReplyContext<S extends ReplyScene>(options: ReplyContextOptions<S>): ReplyContext<S> {
  const rule = validate(options);
  const now = options.now ?? Date.now;
  let lastSeq = 0;
  let used = 0;

  const elapsed = (): number => Math.max(0, now() - options.receivedAt);
  const subject = (): string =>
    options.msgId !== undefined ? `message ${options.msgId}` : `${options.eventType ?? 'event'} ${options.eventId ?? ''}`.trim();
  const fail = (ruleName: ReplyRule, why: string, limit?: number): never => {
    const ago = elapsed();
    throw new QQReplyRuleError(
      `Cannot reply passively in ${rule.name}: ${why} (${subject()} arrived ${formatDuration(ago)} ago). Send an active message instead, if the bot may.`,
      { rule: ruleName, scene: options.scene, elapsedMs: ago, limit },
    );
  };

  const check = (): void => {
    if (options.msgId === undefined && options.eventId === undefined) {
      fail('not-replyable', 'there is no msg_id or event_id to reply to');
    }
    if (options.msgId === undefined && options.eventType !== undefined && !acceptsEventId(options.scene, options.eventType)) {
      fail('not-replyable', `${options.eventType} events cannot be replied to by event_id (reference §9.3)`);
    }
    if (elapsed() > rule.windowMs) {
      fail('window', `the ${rule.name} reply window is ${formatDuration(rule.windowMs)} (reference §9.4)`, rule.windowMs);
    }
    if (used >= rule.maxReplies) {
      fail('reply-limit', `it already has ${used} replies, the most one ${rule.name} message may get (reference §9.4)`, rule.maxReplies);
    }
  };

  return {
    scene: options.scene,
    target: options.target,
    msgId: options.msgId,
    eventId: options.eventId,
    eventType: options.eventType,
    receivedAt: options.receivedAt,
    check,
    claim() {
      check();
      used += 1;
      lastSeq += 1;
      return options.msgId !== undefined ? { msg_id: options.msgId, msg_seq: lastSeq } : { event_id: options.eventId as string, msg_seq: lastSeq };
    },
    release() {
      used = Math.max(0, used - 1);
    },
    elapsed,
    remaining() {
      return { replies: Math.max(0, rule.maxReplies - used), msLeft: Math.max(0, rule.windowMs - elapsed()) };
    },
  };
}

// A bad context is a bug in the caller; say so at once rather than send to a wrong target later.
function validate(options: ReplyContextOptions): (typeof replyRules)[ReplyScene] {
  const rule = Object.hasOwn(replyRules, options.scene) ? replyRules[options.scene] : undefined;
  if (!rule) throw new QQConfigError('scene', `must be one of ${Object.keys(replyRules).join(', ')}; got ${JSON.stringify(options.scene)}`);
  if (typeof options.target !== 'string' || options.target === '') throw new QQConfigError('target', 'must be a non-empty string');
  if (!Number.isFinite(options.receivedAt)) throw new QQConfigError('receivedAt', 'must be a time in ms');
  return rule;
}

/**
 * A duration for humans, in the units the reply windows are stated in: `45 s`, `4 min 59 s`, `60 min 1 s`,
 * `26 h 5 min`. Seconds round up, so a moment past a window never reads the same as the window.
 *
 * @example
 * formatDuration(299_000);   // '4 min 59 s'
 * formatDuration(3_600_001); // '60 min 1 s'
 */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes >= 120) {
    const rest = minutes % 60;
    return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
  }
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}
