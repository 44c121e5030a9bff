import type { EmulatorRoute } from '../http-router.js';

/** Placeholder until the REST message endpoints land; the REST engineer replaces this file. */
export function restRoutes(): EmulatorRoute[] {
  return [];
}
