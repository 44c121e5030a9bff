/**
 * Builds an `EmulatorRoute` from an endpoint template (`/v2/users/{openid}/messages`), so the regex and the
 * label recorded with rejections cannot drift apart, and turns a thrown `RestRejection` into the platform's
 * error response (any other throw reaches the core, which answers 500).
 */
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { decodePathParam } from './json.js';
import { errorResult, RestRejection } from './rest-errors.js';
import type { RestState } from './rest-state.js';

export interface RestEndpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template; each `{name}` matches one path segment. */
  path: string;
  /** `params` are the decoded path parameters, in template order. */
  handle(ctx: RouteContext, params: string[]): RouteResult;
}

export function routePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export function restRoute(state: RestState, endpoint: RestEndpoint): EmulatorRoute {
  const label = `${endpoint.method} ${endpoint.path}`;
  return {
    method: endpoint.method,
    pattern: routePattern(endpoint.path),
    handle(ctx) {
      const params = ctx.params.map(decodePathParam);
      try {
        return endpoint.handle(ctx, params);
      } catch (error) {
        if (!(error instanceof RestRejection)) throw error;
        const { spec } = error;
        state.rejections.push({ endpoint: label, params, status: spec.status, code: spec.code, message: spec.message, at: ctx.now });
        return errorResult(spec);
      }
    },
  };
}

/** 200 with a JSON body (the core adds `X-Tps-trace-ID`). */
export function ok(body: unknown): RouteResult {
  return { status: 200, body };
}

/** 200 with no body: recall and interaction acks ("成功返回 HTTP 状态码 200", bot-docs reset.md). */
export function okEmpty(): RouteResult {
  return { status: 200 };
}
