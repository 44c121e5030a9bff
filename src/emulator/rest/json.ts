/** Small readers for untrusted JSON bodies: the emulator must answer a bad body with an error, never throw a TypeError. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The body with its top-level `null` members removed. botpy builds bodies from `locals()` and sends every unset
 * parameter as `null` (`api.py` `post_group_message`, `post_message`); Satori sends `msg_id: null` once the reply
 * window has passed (`adapters/qq/src/message.ts`). The platform reads `null` as "not given", so the emulator does too.
 */
export function withoutNulls(body: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (value !== null) result[key] = value;
  return result;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Path parameters arrive raw from the URL; ids may be percent-encoded by careful clients (`!` → `%21`). */
export function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
