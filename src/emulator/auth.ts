/**
 * Checks the credential on every authenticated use: REST `Authorization` headers and the gateway's Identify/Resume
 * `token` field. Both carry `QQBot <access_token>` (reference §2.2, §4.3). The retired `Bot <appid>.<token>` form is
 * refused with 11245 unless `acceptLegacyToken` is set (reference §1.6).
 */
import type { TokenStore } from './token-store.js';
import type { EmulatorStats } from './types.js';
import {
  expiredTokenError,
  invalidTokenError,
  legacyTokenError,
  missingTokenError,
  type PlatformErrorBody,
} from './platform-errors.js';

export interface AuthContext {
  tokens: TokenStore;
  appId: string;
  acceptLegacyToken: boolean;
  /** `expiredTokenUses` is counted here. */
  stats: EmulatorStats;
}

export type AuthFailure = 'missing' | 'invalid' | 'expired' | 'legacy-disabled';

export type AuthResult =
  | { ok: true; token: string; legacy: boolean }
  | { ok: false; status: 401; body: PlatformErrorBody; failure: AuthFailure; token?: string };

const QQBOT_PREFIX = 'QQBot ';
const LEGACY = /^Bot (\S+?)\.(\S+)$/;

/**
 * Checks a credential of the form `QQBot <token>` (or, when allowed, `Bot <appid>.<token>`).
 * Expired tokens count in `stats.expiredTokenUses`. Failures carry the platform's 401 body.
 */
export function authorize(ctx: AuthContext, headerValue: string | undefined): AuthResult {
  if (headerValue === undefined || headerValue.trim() === '') {
    return { ok: false, status: 401, body: missingTokenError(), failure: 'missing' };
  }
  if (headerValue.startsWith(QQBOT_PREFIX)) {
    const token = headerValue.slice(QQBOT_PREFIX.length).trim();
    const check = ctx.tokens.check(token);
    if (check === 'valid') return { ok: true, token, legacy: false };
    if (check === 'expired') {
      ctx.stats.expiredTokenUses += 1;
      return { ok: false, status: 401, body: expiredTokenError(), failure: 'expired', token };
    }
    return { ok: false, status: 401, body: invalidTokenError(), failure: 'invalid', token };
  }
  const legacy = LEGACY.exec(headerValue);
  if (legacy) {
    if (!ctx.acceptLegacyToken) return { ok: false, status: 401, body: legacyTokenError(), failure: 'legacy-disabled' };
    // Old SDKs (qq-guild-bot) put the app token or the access token here; any string is accepted for the right app.
    const [, appId = '', token = ''] = legacy;
    if (appId === ctx.appId) return { ok: true, token, legacy: true };
  }
  return { ok: false, status: 401, body: invalidTokenError(), failure: 'invalid' };
}

/** `authorize` bound to one emulator, for the REST routes and the gateway. */
export type Authorizer = (headerValue: string | undefined) => AuthResult;

export function createAuthorizer(ctx: AuthContext): Authorizer {
  return (headerValue) => authorize(ctx, headerValue);
}
