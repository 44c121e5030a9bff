/**
 * `POST /app/getAppAccessToken` (reference §1). Errors come back as HTTP 200 with `{code, message}` (§1.5).
 */
import type { RouteResult } from './http-router.js';
import type { TokenStore } from './token-store.js';

export const TOKEN_PATH = '/app/getAppAccessToken';

/** Field-observed: sent when Content-Type was not JSON, and (our choice) for a wrong or missing appId. */
export const APPID_INVALID = { code: 100007, message: 'appid invalid' } as const;
/** UNCONFIRMED code: no capture of a wrong-secret answer was found. */
export const APPSECRET_INVALID = { code: 100016, message: 'invalid appsecret' } as const;
/** Field-observed transient failure (reference §1.5); used by the 'error-code' fault. */
export const INTERNAL_ERR = { code: 100002, message: 'internal err' } as const;

export interface TokenRequest {
  method: string;
  contentType: string | undefined;
  body: unknown;
}

export interface TokenEndpointDeps {
  appId: string;
  secret: string;
  tokens: TokenStore;
}

/** Answers one token request. Never throws on bad input. */
export function answerTokenRequest(request: TokenRequest, deps: TokenEndpointDeps): RouteResult {
  if (request.method !== 'POST') return { status: 405, body: { code: 405, message: 'method not allowed' } };
  if (!request.contentType?.toLowerCase().includes('application/json')) return { status: 200, body: { ...APPID_INVALID } };
  const body = request.body;
  if (body === null || typeof body !== 'object') return { status: 200, body: { ...APPID_INVALID } };
  const { appId, clientSecret } = body as Record<string, unknown>;
  // Lenient on appId type: some clients send the numeric AppID as a JSON number.
  if ((typeof appId !== 'string' && typeof appId !== 'number') || String(appId) !== deps.appId) {
    return { status: 200, body: { ...APPID_INVALID } };
  }
  if (typeof clientSecret !== 'string' || clientSecret !== deps.secret) return { status: 200, body: { ...APPSECRET_INVALID } };
  const { token, expiresIn } = deps.tokens.obtain();
  // expires_in is a string on the wire (reference §1.2) and is the remaining lifetime, not the TTL.
  return { status: 200, body: { access_token: token.value, expires_in: String(expiresIn) } };
}
