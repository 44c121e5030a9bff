/**
 * What a webhook body asks for, once parsed: an op 13 validation, an op 0 dispatch, an op 1
 * heartbeat (botgo answers those; whether the platform sends them is UNCONFIRMED, reference
 * Appendix A item 9), or something we refuse.
 */
import { OpCode } from '../protocol/opcodes.js';
import type { WebhookRejectReason } from './errors.js';

export type WebhookPayload =
  | { kind: 'validation'; plainToken: string; eventTs: string }
  | { kind: 'dispatch'; eventType: string; id: string | null; data: unknown }
  | { kind: 'heartbeat'; d: number }
  | { kind: 'invalid'; reason: Extract<WebhookRejectReason, 'bad-json' | 'bad-payload' | 'unsafe-validation-token' | 'unsupported-op'> };

/**
 * The safe form of an op 13 challenge. The answer is a signature over `event_ts + plain_token`
 * with the same key that signs deliveries (`timestamp + body`), so answering any challenge makes
 * the receiver a signing oracle: `event_ts: "1728981195"`, `plain_token: '{"op":0,…}'` would buy a
 * valid signature for a forged dispatch. A dispatch body must contain `{`; a challenge made of
 * digits and token characters never can. Observed tokens are 20 alphanumerics and `event_ts` is
 * decimal seconds (samples webhook_validation_*.json).
 */
const safeEventTs = /^\d{1,20}$/;
const safePlainToken = /^[A-Za-z0-9._~+/=-]{1,256}$/;

/** Parses a body; `undefined` when it is not JSON at all. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True for a parsed body that is an op 13 request, whatever its fields look like. */
export function isValidationRequest(value: unknown): boolean {
  return isRecord(value) && value.op === OpCode.CallbackValidation;
}

/**
 * Classifies a parsed body.
 *
 * @example
 * ```ts
 * classifyPayload({ op: 13, d: { plain_token: 'Arq0D5A61EgUu4OxUvOp', event_ts: '1725442341' } });
 * // { kind: 'validation', plainToken: 'Arq0D5A61EgUu4OxUvOp', eventTs: '1725442341' }
 * ```
 */
export function classifyPayload(value: unknown): WebhookPayload {
  if (value === undefined) return { kind: 'invalid', reason: 'bad-json' };
  if (!isRecord(value) || typeof value.op !== 'number') return { kind: 'invalid', reason: 'bad-payload' };
  switch (value.op) {
    case OpCode.CallbackValidation: {
      const d = value.d;
      if (!isRecord(d) || typeof d.plain_token !== 'string' || typeof d.event_ts !== 'string') return { kind: 'invalid', reason: 'bad-payload' };
      if (!safePlainToken.test(d.plain_token) || !safeEventTs.test(d.event_ts)) return { kind: 'invalid', reason: 'unsafe-validation-token' };
      return { kind: 'validation', plainToken: d.plain_token, eventTs: d.event_ts };
    }
    case OpCode.Dispatch: {
      if (typeof value.t !== 'string' || value.t === '') return { kind: 'invalid', reason: 'bad-payload' };
      const id = typeof value.id === 'string' && value.id !== '' ? value.id : null;
      return { kind: 'dispatch', eventType: value.t, id, data: value.d };
    }
    case OpCode.Heartbeat:
      return { kind: 'heartbeat', d: typeof value.d === 'number' && Number.isFinite(value.d) ? value.d : 0 };
    default:
      return { kind: 'invalid', reason: 'unsupported-op' };
  }
}
