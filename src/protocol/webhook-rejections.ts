/**
 * How the webhook receiver answers a request it turns away: every reason, and the one HTTP status each maps to.
 * Sources: reference §8.2 (signature headers, Ed25519, `sig[63] & 0xE0`), §8.3 (op 13 validation), §8.4 (op 12 ACK);
 * the reasons beyond the wire (body limits, app-id routing, freshness window) are our own, written in docs/webhook.md.
 * Pure data: the webhook machine counts rejections by these reasons, the receiver answers with these statuses.
 */

/**
 * Why the webhook receiver turned a request away. Every reason maps to one HTTP status
 * (`rejectionStatus`), so the platform, a proxy log and `errors$` all tell the same story.
 */
export type WebhookRejectReason =
  /** Anything but POST. */
  | 'method-not-allowed'
  /** Body over `maxBodyBytes` (by Content-Length or while streaming). */
  | 'body-too-large'
  /** The request stream failed or was cut off before the body ended. */
  | 'body-aborted'
  /** A framework read the body before us and left no raw bytes (`req.rawBody` / Buffer `req.body`). */
  | 'body-consumed'
  /** Several bots share the receiver and the request names none (`X-Bot-Appid`). */
  | 'missing-app-id'
  /** `X-Bot-Appid` names a bot this receiver does not serve. */
  | 'unknown-app-id'
  /** No `X-Signature-Ed25519` / `X-Signature-Timestamp` on a request that needs them (everything but op 13). */
  | 'missing-signature'
  /** `X-Signature-Ed25519` is not 128 hex digits, or `sig[63] & 0xE0 != 0` (reference §8.2). */
  | 'malformed-signature'
  /** `X-Signature-Timestamp` is not a decimal number of seconds. */
  | 'malformed-timestamp'
  /** The timestamp is older than the freshness window. */
  | 'stale-timestamp'
  /** The timestamp is further ahead than the freshness window. */
  | 'future-timestamp'
  /** Ed25519 verification failed: wrong key, tampered body or forged signature. */
  | 'bad-signature'
  /** Signed, but the body is not JSON. */
  | 'bad-json'
  /** Signed JSON that is not a payload we can act on (no numeric `op`, op 0 without `t`, op 13 without its fields). */
  | 'bad-payload'
  /** op 13 whose `plain_token` / `event_ts` fall outside the safe form (see docs/webhook.md, "signing oracle"). */
  | 'unsafe-validation-token'
  /** Signed payload with an op the webhook transport does not use. */
  | 'unsupported-op'
  /** The receiver was closed. */
  | 'stopped';

/** The HTTP status each rejection is answered with. */
export const rejectionStatus: Readonly<Record<WebhookRejectReason, number>> = {
  'method-not-allowed': 405,
  'body-too-large': 413,
  'body-aborted': 400,
  'body-consumed': 500,
  'missing-app-id': 400,
  'unknown-app-id': 401,
  'missing-signature': 401,
  'malformed-signature': 401,
  'malformed-timestamp': 401,
  'stale-timestamp': 401,
  'future-timestamp': 401,
  'bad-signature': 401,
  'bad-json': 400,
  'bad-payload': 400,
  'unsafe-validation-token': 400,
  'unsupported-op': 400,
  stopped: 503,
};
