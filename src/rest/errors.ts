import { QQBotError } from '../errors.js';
import { describePlatformCode } from './error-codes.js';

/** Everything known about a failed REST call. Never holds a token or a header. */
export interface ApiErrorDetails {
  method: string;
  /** The request path, without the query string. */
  path: string;
  /** HTTP status; 0 when no answer came back (network failure, timeout). */
  status: number;
  /** Body `code` (the docs call it "to be deprecated", but it still differs from err_code). */
  platformCode?: number;
  /** Body `err_code`. */
  errCode?: number;
  /** Body `message`. */
  platformMessage?: string;
  /** Body `trace_id`, else the `X-Tps-trace-ID` header: quote it to Tencent support. */
  traceId?: string;
  /** `data.message_audit.audit_id` of a 304023/304024 answer. */
  auditId?: string;
  /** The parsed body, for anything not lifted into a field. */
  body?: unknown;
  /** Overrides the generated message (network failures). */
  message?: string;
  cause?: unknown;
}

/**
 * A REST call the platform rejected, or that got no answer (`status` 0). `reason` explains the business code
 * from the table in `error-codes.ts`. `fatal` is set for codes no retry can fix (banned bot, missing permission).
 *
 * @example
 * try {
 *   await client.sendGroupMessage(groupOpenid, 'hi');
 * } catch (error) {
 *   if (error instanceof QQApiError && error.platformCode === 22009) console.warn('quota used up', error.traceId);
 * }
 */
export class QQApiError extends QQBotError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly platformCode: number | undefined;
  readonly errCode: number | undefined;
  readonly platformMessage: string | undefined;
  readonly traceId: string | undefined;
  /** A readable explanation of the code, or of the HTTP status when the code is unknown. */
  readonly reason: string;
  readonly auditId: string | undefined;
  readonly body: unknown;

  constructor(details: ApiErrorDetails) {
    const known = describePlatformCode(details.platformCode) ?? describePlatformCode(details.errCode);
    const reason = known?.reason ?? describeStatus(details.status);
    super('API', details.message ?? composeMessage(details, reason), { cause: details.cause, fatal: known?.fatal ?? false });
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.platformCode = details.platformCode;
    this.errCode = details.errCode;
    this.platformMessage = details.platformMessage;
    this.traceId = details.traceId;
    this.reason = reason;
    this.auditId = details.auditId;
    this.body = details.body;
  }
}

/**
 * The platform accepted the message but holds it for manual audit (304023 active, 304024 passive). It is not
 * delivered yet; a MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT event with the same `auditId` follows.
 *
 * @example
 * catch (error) { if (error instanceof QQMessageAuditError) pending.set(error.auditId, text); }
 */
export class QQMessageAuditError extends QQApiError {
  /** True for 304023 (an active message), false for 304024 (a passive reply). */
  readonly active: boolean;

  constructor(details: ApiErrorDetails) {
    super(details);
    this.active = details.platformCode === 304023 || details.errCode === 304023;
  }
}

/** Which passive-reply rule a reply broke (reference §9.3, §9.4, §9.6). */
export type ReplyRule = 'window' | 'reply-limit' | 'not-replyable' | 'media-scene';

export interface ReplyRuleDetails {
  rule: ReplyRule;
  scene: string;
  /** How long ago the inbound message/event arrived, ms. */
  elapsedMs: number;
  /** The limit that was hit: the window in ms (`window`) or the reply count (`reply-limit`). */
  limit?: number;
}

/**
 * A passive reply the platform would refuse, caught before any request was made. The message says which rule,
 * how long ago the message arrived and what the limit is; send an active message instead, if the bot may.
 *
 * @example
 * catch (error) { if (error instanceof QQReplyRuleError && error.rule === 'window') await client.sendC2CMessage(openid, text); }
 */
export class QQReplyRuleError extends QQBotError {
  readonly rule: ReplyRule;
  readonly scene: string;
  readonly elapsedMs: number;
  readonly limit: number | undefined;

  constructor(message: string, details: ReplyRuleDetails) {
    super('REPLY_RULE', message);
    this.rule = details.rule;
    this.scene = details.scene;
    this.elapsedMs = details.elapsedMs;
    this.limit = details.limit;
  }
}

function composeMessage(details: ApiErrorDetails, reason: string): string {
  const codes: string[] = [];
  if (details.platformCode !== undefined) codes.push(`code ${details.platformCode}`);
  if (details.errCode !== undefined && details.errCode !== details.platformCode) codes.push(`err_code ${details.errCode}`);
  const said = details.platformMessage ? ` "${details.platformMessage}"` : '';
  const trace = details.traceId ? ` [trace ${details.traceId}]` : '';
  const head = `${details.method} ${details.path} failed: HTTP ${details.status}`;
  return `${head}${codes.length ? `, ${codes.join(', ')}` : ''}${said}: ${reason}${trace}`;
}

// Reference §2.3 status table.
function describeStatus(status: number): string {
  if (status === 0) return 'no answer from the platform';
  if (status === 201 || status === 202) return 'asynchronous answer carrying an error';
  if (status === 401) return 'authentication failed';
  if (status === 404) return 'API not found';
  if (status === 405) return 'method not allowed';
  if (status === 429) return 'rate limited';
  if (status >= 500) return 'the platform failed to process the request';
  return 'request rejected';
}
