import { fromPromise } from 'xstate';
import type { GatewayInfo } from '../../machines/gateway.machine.js';
import { QQGatewayDiscoveryError } from '../errors.js';
import type { Secret } from '../secret.js';
import { httpRequest, HttpTransportError, type HttpResult } from './http.js';

export interface GatewayEndpointOptions {
  apiBase: string;
  appId: string;
  timeoutMs: number;
}

async function getJson(options: GatewayEndpointOptions, path: string, token: Secret, signal?: AbortSignal): Promise<HttpResult> {
  try {
    const result = await httpRequest({
      method: 'GET',
      url: joinUrl(options.apiBase, path),
      headers: { authorization: `QQBot ${token.reveal()}`, 'x-union-appid': options.appId },
      timeoutMs: options.timeoutMs,
      signal,
    });
    if (result.status !== 200) {
      const body = result.body as { message?: unknown; code?: unknown } | undefined;
      const detail = body && typeof body.message === 'string' ? `: ${String(body.code ?? '')} ${body.message}` : '';
      throw new QQGatewayDiscoveryError(`GET ${path} answered HTTP ${result.status}${detail}`, { status: result.status });
    }
    if (result.invalidJson !== undefined || typeof result.body !== 'object' || result.body === null) {
      throw new QQGatewayDiscoveryError(`GET ${path} answered with a body that is not a JSON object`, { status: result.status });
    }
    return result;
  } catch (error) {
    if (error instanceof HttpTransportError) throw new QQGatewayDiscoveryError(error.message, { cause: error });
    throw error;
  }
}

/** `GET /gateway/bot` (reference §3.2). */
export async function requestGatewayBot(options: GatewayEndpointOptions, token: Secret, signal?: AbortSignal): Promise<GatewayInfo> {
  const { body } = await getJson(options, '/gateway/bot', token, signal);
  const data = body as { url?: unknown; shards?: unknown; session_start_limit?: Record<string, unknown> };
  if (!isGatewayUrl(data.url)) throw new QQGatewayDiscoveryError('GET /gateway/bot answered without a ws:/wss: url');
  const limit = data.session_start_limit;
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  // Counts must be whole numbers ≥ 1: a shard total of 2.5 would identify as [0, 2.5] and be closed with 4010.
  const count = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : 1);
  return {
    url: data.url,
    shards: count(data.shards),
    sessionStartLimit: limit
      ? {
          total: num(limit['total'], 1000),
          remaining: num(limit['remaining'], 1000),
          resetAfterMs: num(limit['reset_after'], 24 * 60 * 60 * 1000),
          maxConcurrency: count(limit['max_concurrency']),
        }
      : null,
    source: 'gateway/bot',
  };
}

/** `GET /gateway` (reference §3.1): the URL only. */
export async function requestGatewayUrl(options: GatewayEndpointOptions, token: Secret, signal?: AbortSignal): Promise<GatewayInfo> {
  const { body } = await getJson(options, '/gateway', token, signal);
  const url = (body as { url?: unknown }).url;
  if (!isGatewayUrl(url)) throw new QQGatewayDiscoveryError('GET /gateway answered without a ws:/wss: url');
  return { url, shards: 1, sessionStartLimit: null, source: 'gateway' };
}

export function gatewayBotActor(options: GatewayEndpointOptions) {
  return fromPromise<GatewayInfo, { token: Secret }>(({ input, signal }) => requestGatewayBot(options, input.token, signal));
}

export function gatewayUrlActor(options: GatewayEndpointOptions) {
  return fromPromise<GatewayInfo, { token: Secret }>(({ input, signal }) => requestGatewayUrl(options, input.token, signal));
}

/** A URL the WebSocket client accepts: ws: or wss:, no fragment (anything else makes `new WebSocket()` throw). */
function isGatewayUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hash === '';
  } catch {
    return false;
  }
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
