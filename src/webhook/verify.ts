/**
 * Signature checks of reference §8.2, as pure functions: header form, timestamp freshness, then
 * Ed25519 over `timestamp + raw body`. The receiver turns a failed check into a 401.
 */
import { verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookRejectReason } from './errors.js';
import type { WebhookKeys } from './sign.js';

export const signatureHeader = 'x-signature-ed25519';
export const timestampHeader = 'x-signature-timestamp';
export const appIdHeader = 'x-bot-appid';

/** Ed25519 signature size: 64 bytes, 128 hex digits. */
export const signatureBytes = 64;

export type VerifyResult = { ok: true } | { ok: false; reason: WebhookRejectReason };

/**
 * Decodes `X-Signature-Ed25519`: exactly 128 hex digits, and the top three bits of the last byte
 * clear (`sig[63] & 0xE0 == 0`, as the docs, botgo and NoneBot check). `null` otherwise.
 * (`Buffer.from(x, 'hex')` alone would silently stop at the first non-hex digit.)
 */
export function decodeSignature(hex: string): Buffer | null {
  if (!/^[0-9a-fA-F]{128}$/.test(hex)) return null;
  const signature = Buffer.from(hex, 'hex');
  if (signature.length !== signatureBytes) return null;
  if (((signature[signatureBytes - 1] ?? 0) & 0xe0) !== 0) return null;
  return signature;
}

/**
 * Checks `X-Signature-Timestamp` (Unix seconds) against `nowMs`. The window applies both ways:
 * a timestamp from the future is as suspicious as an old one. `Infinity` disables the check.
 * The platform documents no window (reference §8.2, Appendix A item 7): the default of the
 * receiver is our choice.
 */
export function checkTimestamp(timestamp: string, nowMs: number, windowSeconds: number): VerifyResult {
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  if (windowSeconds === Number.POSITIVE_INFINITY) return { ok: true };
  const skewSeconds = Number(timestamp) - nowMs / 1000;
  if (skewSeconds < -windowSeconds) return { ok: false, reason: 'stale-timestamp' };
  if (skewSeconds > windowSeconds) return { ok: false, reason: 'future-timestamp' };
  return { ok: true };
}

/** A header value as one string; repeated headers (joined by Node with ", ") stay malformed on purpose. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

export interface VerifyRequest {
  keys: WebhookKeys;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  body: Buffer;
  nowMs: number;
  /** Freshness window in seconds; `Infinity` disables it. */
  windowSeconds: number;
}

/**
 * Every check of reference §8.2 in order: headers present → signature form → timestamp form and
 * freshness → Ed25519 over `timestamp + body`.
 *
 * @example
 * ```ts
 * const result = verifyWebhookRequest({ keys, headers: req.headers, body, nowMs: Date.now(), windowSeconds: 300 });
 * if (!result.ok) res.writeHead(401).end();
 * ```
 */
export function verifyWebhookRequest(request: VerifyRequest): VerifyResult {
  const signatureHex = headerValue(request.headers, signatureHeader);
  const timestamp = headerValue(request.headers, timestampHeader);
  if (signatureHex === undefined || timestamp === undefined) return { ok: false, reason: 'missing-signature' };
  const signature = decodeSignature(signatureHex);
  if (signature === null) return { ok: false, reason: 'malformed-signature' };
  const fresh = checkTimestamp(timestamp, request.nowMs, request.windowSeconds);
  if (!fresh.ok) return fresh;
  return verifySignature(request.keys, timestamp, request.body, signature) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}

/** Ed25519 verification of `timestamp + body` with the bot's public key. */
export function verifySignature(keys: WebhookKeys, timestamp: string, body: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), keys.publicKey, signature);
  } catch {
    return false;
  }
}
