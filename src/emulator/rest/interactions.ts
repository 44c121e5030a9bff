/**
 * `PUT /interactions/{interaction_id}` `{code: 0..5}` (reference §9.7): acknowledges a button click the emulator
 * dispatched (INTERACTION_CREATE, looked up by its `d.id`). Answers 200 with no body; every ack is recorded with
 * its latency, since an unacknowledged click leaves the user's client spinning. A second ack of the same
 * interaction is accepted too (what the platform does is UNCONFIRMED); tests can count `interactionAcks`.
 */
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { isInteger, isJsonObject } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function interactionRoutes(state: RestState): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'PUT',
      path: '/interactions/{interaction_id}',
      handle: (ctx, [interactionId = '']) => acknowledge(state, interactionId, ctx),
    }),
  ];
}

function acknowledge(state: RestState, interactionId: string, ctx: RouteContext): RouteResult {
  const body = ctx.body;
  if (!isJsonObject(body) || !isInteger(body.code) || body.code < 0 || body.code > 5) reject(restErrors.interactionInvalid);
  const interaction = ctx.inbound.byInteractionId(interactionId);
  if (!interaction) reject(restErrors.interactionInvalid);
  state.interactionAcks.push({
    interactionId,
    code: body.code,
    eventId: interaction.eventId,
    scene: interaction.scene,
    at: ctx.now,
    latencyMs: ctx.now - interaction.at,
    body,
  });
  return okEmpty();
}
