/**
 * The platform's business codes (the `code` / `err_code` of an error body) with a readable reason, so that a
 * `QQApiError` says what went wrong and what to do instead of a bare number.
 *
 * Source: shared/protocol/reference.md §2.3 (the table "Selected business codes", from [DOCS]
 * dev-prepare/error-trace/openapi.md and send-receive/send.md; 11244 from [BOTGO] errs/err.go; the captured
 * 40034027 body), §1.6 (11245), and the peer-SDK pains in shared/research/peer-sdks.md §3 (40054005: pain 10;
 * 304041/304057: pain 11). Codes from the field are marked as such.
 *
 * The second block holds codes from the 2026 per-endpoint error tables of the API v2 pages
 * (bot.q.qq.com/wiki/develop/api-v2/autogen/api/…), not yet in reference.md, as collected with their sources for
 * the emulator in src/emulator/rest/rest-errors.ts (several are also seen in field logs). The client keeps its own
 * copy on purpose: it must not import the emulator, and a misread shared by both would go unnoticed.
 */
export interface PlatformCodeInfo {
  /** What the code means, in words a bot author can act on. */
  readonly reason: string;
  /** True when nothing short of a human (console settings, a ban appeal) will fix it. */
  readonly fatal?: boolean;
}

export const platformCodeTable: Readonly<Record<number, PlatformCodeInfo>> = {
  11241: { reason: 'access token missing' },
  11242: { reason: 'access token check failed; retry once' },
  11243: { reason: 'access token invalid' },
  11244: { reason: 'access token expired or unknown; fetch a new one' },
  11245: { reason: 'fixed "Bot appid.token" tokens are disabled; use an AccessToken (QQBot scheme)', fatal: true },
  11251: { reason: 'bad or missing appid' },
  11261: { reason: 'bad or missing appid' },
  11275: { reason: 'bad or missing appid' },
  11253: { reason: 'the app lacks permission for this API (request it in the console)', fatal: true },
  11262: { reason: 'this API cannot be called with the bot token' },
  11265: { reason: 'the bot is banned', fatal: true },
  20028: { reason: 'sub-channel write rate limit; slow down' },
  22009: { reason: 'msg limit exceed: the group/C2C message quota is used up' },
  50006: { reason: 'empty message: give content, markdown, ark, embed, image or media' },
  304023: { reason: 'active message accepted and waiting for manual audit (see auditId)' },
  304024: { reason: 'passive message accepted and waiting for manual audit (see auditId)' },
  304026: { reason: 'the msg_id being replied to is wrong' },
  304027: { reason: 'the message being replied to is too old: the passive reply window has passed' },
  304041: { reason: 'markdown is not allowed in this passive reply (field report)' },
  304045: { reason: 'active-message frequency limit (sub-channel)' },
  304046: { reason: 'active-message frequency limit (sub-channel)' },
  304047: { reason: 'active-message frequency limit (sub-channel)' },
  304048: { reason: 'active-message frequency limit (DM)' },
  304049: { reason: 'active-message frequency limit (DM)' },
  304050: { reason: 'active-message frequency limit (DM)' },
  304057: { reason: 'a keyboard is not allowed in this passive reply (field report)' },
  304082: { reason: 'rich-media fetch failed; retry' },
  304083: { reason: 'rich-media fetch failed; retry' },
  306011: { reason: 'recall window exceeded (C2C/group messages can be recalled for 2 minutes)' },
  40034027: { reason: 'the event named by event_id cannot be replied to (field capture)' },
  40054005: { reason: 'duplicate (msg_id, msg_seq): the message was deduplicated; use a new msg_seq (field report)' },

  // 2026 per-endpoint tables (see the header).
  22006: { reason: 'msg_type names a field (markdown, ark, embed, media) that the body lacks' },
  340069: { reason: 'invalid msg_type' },
  50037: { reason: 'markdown can only be combined with a keyboard' },
  50057: { reason: 'markdown takes raw content or a template, not both' },
  304039: { reason: 'the keyboard could not be parsed' },
  304080: { reason: 'file_info unknown, expired, or uploaded in the other scene (C2C vs group)' },
  40034005: { reason: 'the msg_id being replied to has expired: the passive reply window has passed' },
  40034024: { reason: 'msg_id invalid, or it belongs to another user/group' },
  40034025: { reason: 'event_id invalid' },
  40034026: { reason: 'the event_id being replied to has expired' },
  40034029: { reason: 'keyboard too large (at most 5 rows of 5 buttons)' },
  40034105: { reason: 'active message refused: no permission (the user may have turned active messages off)' },
  40034128: { reason: 'passive reply window or reply count exceeded for this msg_id/event_id' },
  40061002: { reason: 'the message id to recall is invalid or already recalled' },
  40064004: { reason: 'recall window exceeded' },
  306002: { reason: 'wrong message id (guild)' },
  630001: { reason: 'invalid interaction acknowledgement (unknown id or bad code)' },
  850019: { reason: 'unsupported file format for this file_type' },
  850026: { reason: 'the platform could not fetch the file (url not http(s), or file_data not base64)' },
};

/** Codes that mean "the access token was not accepted": the client refreshes the token once and retries. */
export const tokenExpiredCodes: ReadonlySet<number> = new Set([11244]);

/** Codes that mean "accepted, but held for manual audit" (`data.message_audit.audit_id`). */
export const messageAuditCodes: ReadonlySet<number> = new Set([304023, 304024]);

/**
 * The readable reason for a platform code, or undefined when the code is not in the table.
 *
 * @example
 * describePlatformCode(304027); // 'the message being replied to is too old: …'
 */
export function describePlatformCode(code: number | undefined): PlatformCodeInfo | undefined {
  return code === undefined ? undefined : platformCodeTable[code];
}
