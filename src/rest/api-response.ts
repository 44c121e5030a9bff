import type { HttpResult } from '../io/http.js';
import { messageAuditCodes, tokenExpiredCodes } from './error-codes.js';
import { QQApiError, QQMessageAuditError, type ApiErrorDetails } from './errors.js';

/** Where a response came from, for error messages and logs. */
export interface RequestLabel {
  method: string;
  path: string;
}

interface ErrorBodyFields {
  code?: number;
  errCode?: number;
  message?: string;
  traceId?: string;
  auditId?: string;
}

/**
 * The body of a successful answer, or a thrown `QQApiError`. Success is 2xx **without** a business code: 201/202
 * are "async success" whose body is an error object (reference §2.3), and a 304023/304024 audit notice is never a
 * delivered message, so both throw (`QQMessageAuditError` for the audit codes).
 *
 * @example
 * const sent = readApiResponse(result, { method: 'POST', path }) as MessageSendResult;
 */
export function readApiResponse(result: HttpResult, label: RequestLabel): unknown {
  const fields = errorFields(result.body);
  const hasCode = (fields.code !== undefined && fields.code !== 0) || (fields.errCode !== undefined && fields.errCode !== 0);
  if (result.status >= 200 && result.status < 300 && !hasCode && fields.auditId === undefined) {
    if (result.invalidJson !== undefined) throw apiError(result, label, fields, 'the body is not valid JSON');
    return result.body;
  }
  throw apiError(result, label, fields);
}

/**
 * True when the platform rejected the access token: HTTP 401, or the body code/err_code 11244 "token expired or
 * missing" whatever the status (botgo refreshes on it, reference §2.3). The request was not processed.
 *
 * @example
 * if (isTokenRejection(result)) token = await getToken({ forceRefresh: true });
 */
export function isTokenRejection(result: HttpResult): boolean {
  if (result.status === 401) return true;
  const { code, errCode } = errorFields(result.body);
  return (code !== undefined && tokenExpiredCodes.has(code)) || (errCode !== undefined && tokenExpiredCodes.has(errCode));
}

function apiError(result: HttpResult, label: RequestLabel, fields: ErrorBodyFields, problem?: string): QQApiError {
  const details: ApiErrorDetails = {
    ...label,
    status: result.status,
    platformCode: fields.code,
    errCode: fields.errCode,
    platformMessage: fields.message ?? (problem ? `${problem}: ${result.invalidJson ?? ''}` : undefined),
    traceId: fields.traceId ?? result.traceId,
    auditId: fields.auditId,
    body: result.body ?? result.invalidJson,
  };
  const isAudit = (fields.code !== undefined && messageAuditCodes.has(fields.code)) || (fields.errCode !== undefined && messageAuditCodes.has(fields.errCode));
  return isAudit || fields.auditId !== undefined ? new QQMessageAuditError(details) : new QQApiError(details);
}

function errorFields(body: unknown): ErrorBodyFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const audit = (record.data as { message_audit?: { audit_id?: unknown } } | undefined)?.message_audit?.audit_id;
  return {
    code: toCode(record.code),
    errCode: toCode(record.err_code),
    message: typeof record.message === 'string' ? record.message : undefined,
    traceId: typeof record.trace_id === 'string' && record.trace_id !== '' ? record.trace_id : undefined,
    auditId: typeof audit === 'string' && audit !== '' ? audit : undefined,
  };
}

// Codes are numbers in every capture; accept numeric strings too rather than miss an error.
function toCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
