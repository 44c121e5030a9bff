/**
 * Keeps credentials out of everything the admin API returns. The records it serves are the platform's view and
 * carry them (Authorization headers, Identify/Resume `token`, the token request's `clientSecret`); a test harness in
 * another process, a log, or a CI artifact must never see them.
 */

export const REDACTED = '<redacted>';

/** Keys whose string values are credentials wherever they appear. */
const CREDENTIAL_KEYS = new Set(['authorization', 'token', 'access_token', 'clientsecret', 'client_secret', 'secret', 'x-union-appid-token']);

/** Short strings are not searched for inside other strings: they would match by chance. */
const MIN_SECRET_LENGTH = 6;

/**
 * A deep copy of `value` with credential-named fields replaced, and every occurrence of a known secret (the app
 * secret, every issued access token) replaced inside any other string.
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  const known = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key !== undefined && CREDENTIAL_KEYS.has(key.toLowerCase())) return redactCredential(node);
      return known.reduce((text, secret) => text.split(secret).join(REDACTED), node);
    }
    if (Buffer.isBuffer(node)) return `<${node.length} bytes>`;
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
    if (node instanceof Map) return walk(Object.fromEntries(node), key);
    if (node !== null && typeof node === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [childKey, child] of Object.entries(node)) copy[childKey] = walk(child, childKey);
      return copy;
    }
    return node;
  };
  return walk(value, undefined);
}

/** Keeps the scheme of an Authorization value (`QQBot`, `Bot`), which tests do assert on, and drops the rest. */
function redactCredential(value: string): string {
  const scheme = /^(QQBot|Bot|Bearer)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}
