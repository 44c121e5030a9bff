/** Identifier and timestamp formats that look like the platform's (reference §4.1, §6.3, samples/). */
import { randomBytes, randomUUID } from 'node:crypto';

/** Envelope id of a dispatch: `C2C_MESSAGE_CREATE:<uuid>`, as in the docs' WS samples. */
export function eventId(type: string): string {
  return `${type}:${randomUUID()}`;
}

export function uuid(): string {
  return randomUUID();
}

/** 32 upper-case hex chars, the shape of user/group/member openids. */
export function openid(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** A C2C/group message id: `ROBOT1.0_<base64url-ish>!` (samples c2c_/group_at_message_create.*). */
export function robotMessageId(): string {
  return `ROBOT1.0_${randomBytes(36).toString('base64url')}!`;
}

/** A guild message id: hex starting `08` (samples at_message_create, channel_message_send_response). */
export function guildMessageId(): string {
  return `08${randomBytes(22).toString('hex')}`;
}

/** A trace id for `X-Tps-trace-ID` and error bodies: 32 lower-case hex chars. */
export function traceId(): string {
  return randomBytes(16).toString('hex');
}

/** An access token: opaque, URL-safe. */
export function accessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** RFC 3339 in China Standard Time (`2025-02-15T16:32:42+08:00`), the platform's message timestamp format. */
export function platformTimestamp(ms: number): string {
  const shifted = new Date(ms + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}
