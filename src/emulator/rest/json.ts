/** Small readers for untrusted JSON bodies: the emulator must answer a bad body with an error, never throw a TypeError. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The body with its `null` members removed, at every depth. botpy builds bodies from `locals()` and sends every
 * unset parameter as `null` (`api.py` `post_group_message`, `post_message`); Satori sends `msg_id: null` once the
 * reply window has passed (`adapters/qq/src/message.ts`); botgo's Markdown struct has no `omitempty`, so `params`
 * and `style` arrive as `null` (`dto/message_create.go`). The platform reads `null` as "not given"; so does the emulator.
 */
export function withoutNulls(body: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (value !== null) result[key] = stripNested(value);
  return result;
}

function stripNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNested);
  return isJsonObject(value) ? withoutNulls(value) : value;
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
