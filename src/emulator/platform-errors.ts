/**
 * Error bodies in the platform's shape: `{message, code, err_code, trace_id}` (reference §2.3,
 * samples/error_invalid_token_401.captured.json).
 */
import { traceId } from './ids.js';

export interface PlatformErrorBody {
  message: string;
  code: number;
  err_code: number;
  trace_id: string;
}

export function platformError(code: number, message: string, errCode: number = code): PlatformErrorBody {
  return { message, code, err_code: errCode, trace_id: traceId() };
}

/** 11243 "Token错误" with err_code 40012002: exactly the captured 401 body. */
export const invalidTokenError = (): PlatformErrorBody => platformError(11243, 'Token错误', 40012002);
/** 11244: botgo's `APICodeTokenExpireOrNotExist` (reference §2.3). err_code assumed equal to code. */
export const expiredTokenError = (): PlatformErrorBody => platformError(11244, 'token过期或者不存在');
/** 11241: "Token missing" from the docs' code table (reference §2.3). Message text is ours. */
export const missingTokenError = (): PlatformErrorBody => platformError(11241, 'token缺失');
/** 11245: the legacy `Bot appid.token` rejection seen since 2025-05 (reference §1.6). */
export const legacyTokenError = (): PlatformErrorBody =>
  platformError(11245, '固定Token已禁用，请使用AccessToken鉴权，详见 https://bot.q.qq.com/wiki/develop/api-v2/dev-prepare/interface-framework/api-use.html');
