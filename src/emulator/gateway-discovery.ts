/** `GET /gateway` and `GET /gateway/bot` (reference §3.1, §3.2). Both sit behind the normal QQBot auth. */
import type { EmulatorRoute } from './http-router.js';
import type { SessionStartLimit } from './session-limit.js';

export interface DiscoveryDeps {
  gatewayUrl(): string;
  shards: number;
  limit: SessionStartLimit;
}

export const GATEWAY_PATHS = ['/gateway', '/gateway/bot'] as const;

export function discoveryRoutes(deps: DiscoveryDeps): EmulatorRoute[] {
  return [
    { method: 'GET', pattern: /^\/gateway\/?$/, handle: () => ({ status: 200, body: { url: deps.gatewayUrl() } }) },
    {
      method: 'GET',
      pattern: /^\/gateway\/bot\/?$/,
      handle: () => ({
        status: 200,
        body: { url: deps.gatewayUrl(), shards: deps.shards, session_start_limit: deps.limit.snapshot() },
      }),
    },
  ];
}
