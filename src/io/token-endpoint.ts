import { fromPromise } from 'xstate';
import type { TokenGrant } from '../../machines/token.machine.js';
import { QQAuthError, QQTokenEndpointError } from '../errors.js';
import { Secret } from '../secret.js';
import { httpRequest, HttpTransportError } from './http.js';

/**
 * Platform codes from the token endpoint that are worth retrying (reference §1.5): internal error
 * and the two rate-limit signals. Any other non-zero code means the credentials were rejected.
 */
export const transientTokenErrorCodes: ReadonlySet<number> = new Set([100001, 100002, 100017]);

export interface TokenEndpointOptions {
  tokenUrl: string;
  appId: string;
  secret: Secret;
  timeoutMs: number;
}

/**
 * `POST /app/getAppAccessToken` (reference §1). Accepts `expires_in` as a string (what the platform
 * sends) or a number. Transient failures throw `QQTokenEndpointError`; rejected credentials throw
 * `QQAuthError`. Neither message ever contains the secret or a token.
 */
export async function requestAccessToken(options: TokenEndpointOptions, signal?: AbortSignal): Promise<TokenGrant> {
  let result;
  try {
    result = await httpRequest({
      method: 'POST',
      url: options.tokenUrl,
      headers: { 'content-type': 'application/json' },
      body: { appId: options.appId, clientSecret: options.secret.reveal() },
      timeoutMs: options.timeoutMs,
      signal,
    });
  } catch (error) {
    if (error instanceof HttpTransportError) throw new QQTokenEndpointError(`Token endpoint: ${error.message}`, { cause: error });
    throw error;
  }
  if (result.status >= 500 || result.status === 429) {
    throw new QQTokenEndpointError(`Token endpoint answered HTTP ${result.status}`, { status: result.status });
  }
  if (result.invalidJson !== undefined || result.body === undefined || typeof result.body !== 'object' || result.body === null) {
    throw new QQTokenEndpointError(`Token endpoint answered HTTP ${result.status} with a body that is not a JSON object`, { status: result.status });
  }
  const body = result.body as { access_token?: unknown; expires_in?: unknown; code?: unknown; message?: unknown };
  const code = typeof body.code === 'number' ? body.code : Number(body.code ?? 0);
  if (code !== 0 && !Number.isNaN(code)) {
    const message = typeof body.message === 'string' ? body.message : 'no message';
    if (transientTokenErrorCodes.has(code)) {
      throw new QQTokenEndpointError(`Token endpoint error ${code}: ${message}`, { status: result.status, platformCode: code });
    }
    throw new QQAuthError(`The platform rejected the credentials for appId ${options.appId}: ${code} ${message}`, code);
  }
  if (result.status >= 400) {
    throw new QQTokenEndpointError(`Token endpoint answered HTTP ${result.status}`, { status: result.status });
  }
  const expiresIn = typeof body.expires_in === 'string' ? Number(body.expires_in.trim()) : body.expires_in;
  if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
    throw new QQTokenEndpointError('Token endpoint answered without access_token', { status: result.status });
  }
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new QQTokenEndpointError('Token endpoint answered without a usable expires_in', { status: result.status });
  }
  return { accessToken: new Secret(body.access_token), expiresInSeconds: expiresIn };
}

/** The token machine's `fetchToken` actor for the real (or emulated) endpoint. */
export function tokenEndpointActor(options: TokenEndpointOptions) {
  return fromPromise<TokenGrant>(({ signal }) => requestAccessToken(options, signal));
}
