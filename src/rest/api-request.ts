import { setTimeout as wait } from 'node:timers/promises';
import { httpRequest, HttpTransportError, type HttpRequest, type HttpResult } from '../io/http.js';
import type { Secret } from '../secret.js';
import { isTokenRejection, readApiResponse, type RequestLabel } from './api-response.js';
import { QQApiError } from './errors.js';
import { backoffDelay, isRetrySafe, isTransientStatus, retryDefaults } from './retry-policy.js';

export type HttpMethod = HttpRequest['method'];

/** The pino-compatible subset the client logs to. It only ever gets method, path, status, trace id and timings. */
export interface RestLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ApiRequesterOptions {
  apiBase: string;
  appId: string;
  getToken(options?: { forceRefresh?: boolean }): Promise<Secret>;
  timeoutMs?: number;
  retries?: number;
  logger?: RestLogger;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

export interface ApiCall {
  method: HttpMethod;
  /** Path from the API base, e.g. `/v2/users/{openid}/messages`; may carry a query string. */
  path: string;
  body?: unknown;
  /** Overrides `isRetrySafe(method, path)`. */
  retrySafe?: boolean;
}

/** Sends one API call and returns the parsed success body, or throws `QQApiError`. */
export type ApiRequester = (call: ApiCall) => Promise<unknown>;

export const restDefaults = {
  /** The docs ask for at least 5 s on sends so a slow success is not taken for a failure (reference §2.1). */
  timeoutMs: 10_000,
  userAgent: 'qq-bot-machine/rest',
} as const;

const silent: RestLogger = { debug() {}, warn() {} };

/**
 * The HTTP layer of the REST client: auth headers, one forced token refresh on a rejected token, retries of
 * retry-safe calls with backoff, and typed errors. Logs carry method, path, status and trace id only; the token
 * and the Authorization header never reach the logger.
 *
 * @example
 * const call = createApiRequester({ apiBase, appId, getToken });
 * const me = await call({ method: 'GET', path: '/users/@me' });
 */
export function createApiRequester(options: ApiRequesterOptions): ApiRequester {
  const base = options.apiBase.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? restDefaults.timeoutMs;
  const retries = Math.max(0, options.retries ?? retryDefaults.retries);
  const logger = options.logger ?? silent;
  const sleep = options.sleep ?? ((ms: number) => wait(ms));
  const userAgent = options.userAgent ?? restDefaults.userAgent;

  return async function call({ method, path, body, retrySafe }: ApiCall): Promise<unknown> {
    const label: RequestLabel = { method, path: stripQuery(path) };
    const mayRetry = retrySafe ?? isRetrySafe(method, label.path);
    let token = await options.getToken();
    let refreshed = false;
    let retried = 0;
    for (;;) {
      const started = Date.now();
      let result: HttpResult | undefined;
      let failure: HttpTransportError | undefined;
      try {
        result = await httpRequest({
          method,
          url: base + path,
          headers: { authorization: `QQBot ${token.reveal()}`, 'x-union-appid': options.appId, 'user-agent': userAgent },
          body,
          timeoutMs,
        });
      } catch (error) {
        if (!(error instanceof HttpTransportError)) throw error;
        failure = error;
      }
      const status = result?.status ?? 0;
      logger.debug({ ...label, status, traceId: result?.traceId, attempt: retried + 1, durationMs: Date.now() - started }, 'qq api call');

      // A rejected token means nothing was processed: refresh once and repeat, whatever the method.
      if (result && !refreshed && isTokenRejection(result)) {
        refreshed = true;
        logger.warn({ ...label, status, traceId: result.traceId }, 'access token rejected; refreshing it and retrying once');
        token = await options.getToken({ forceRefresh: true });
        continue;
      }
      if (mayRetry && retried < retries && isTransientStatus(status)) {
        retried += 1;
        const delayMs = backoffDelay(retried, result?.headers.get('retry-after'));
        logger.warn({ ...label, status, traceId: result?.traceId, retry: retried, delayMs }, 'transient failure; retrying');
        await sleep(delayMs);
        continue;
      }
      if (failure) throw transportError(label, failure, mayRetry, retried);
      return readApiResponse(result as HttpResult, label);
    }
  };
}

function transportError(label: RequestLabel, failure: HttpTransportError, retrySafe: boolean, retried: number): QQApiError {
  const what = failure.timedOut ? 'no answer before the timeout' : 'network failure';
  const tries = retried > 0 ? ` after ${retried + 1} attempts` : '';
  // A send that got no answer may still have been delivered; say so rather than let the caller resend blindly.
  const doubt = retrySafe ? '' : '; the platform may or may not have processed it, so it was not repeated';
  return new QQApiError({
    ...label,
    status: 0,
    message: `${label.method} ${label.path}: ${what}${tries} (${failure.message})${doubt}`,
    cause: failure,
  });
}

function stripQuery(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}
