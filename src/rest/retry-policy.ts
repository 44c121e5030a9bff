/**
 * When a failed REST call may be sent again, and how long to wait first.
 *
 * Only requests whose repetition cannot do harm are retried on 429, 5xx and network failures: GET, DELETE
 * (recall), and PUT /interactions (acknowledging twice changes nothing). A message send (POST) that timed out or
 * got a 5xx may already have been delivered, so it is never repeated blindly; a second copy would reach the user
 * (reference §2.1: "a send which succeeded is not mistaken for a failure"). The token-rejection retry is separate:
 * a 401 means the request was refused before processing, so every method may repeat it once.
 */
export const retryDefaults = {
  /** Extra attempts after the first, for retry-safe requests. */
  retries: 2,
  /** First backoff; doubled each attempt. */
  baseDelayMs: 500,
  /** No single wait is longer than this, even when the server asks for more. */
  maxDelayMs: 30_000,
} as const;

/**
 * True when repeating the request cannot send anything twice.
 *
 * @example
 * isRetrySafe('PUT', '/interactions/abc'); // true
 * isRetrySafe('POST', '/v2/users/x/messages'); // false
 */
export function isRetrySafe(method: string, path: string): boolean {
  if (method === 'GET' || method === 'DELETE') return true;
  return method === 'PUT' && path.startsWith('/interactions/');
}

/**
 * True for answers that may succeed on a later attempt: 429 and 5xx. Network failures are transient too; the
 * caller sees them as status 0.
 *
 * @example
 * isTransientStatus(503); // true
 */
export function isTransientStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/**
 * The wait before retry number `attempt` (1-based): exponential from `baseDelayMs`, or the server's
 * `Retry-After` (seconds) when it asks for longer. No Retry-After is documented (reference §2.3, UNCONFIRMED
 * whether one is sent), so honouring it is only a courtesy.
 *
 * @example
 * backoffDelay(1, undefined); // 500
 * backoffDelay(2, '3');       // 3000
 */
export function backoffDelay(attempt: number, retryAfter: string | null | undefined, base: number = retryDefaults.baseDelayMs): number {
  const exponential = base * 2 ** (attempt - 1);
  const asked = retryAfter && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
  return Math.min(Math.max(exponential, asked), retryDefaults.maxDelayMs);
}
