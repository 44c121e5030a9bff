/**
 * `POST /users/@me/dms` `{recipient_id, source_guild_id}` → `{guild_id, channel_id, create_time}` (reference §9.1).
 * The same recipient and source guild get the same session back. The emulator has no guild membership, so the
 * "shared guild" requirement is not checked.
 */
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, restRoute } from './rest-route.js';
import type { DmSession, RestState } from './rest-state.js';

export function dmSessionRoutes(state: RestState): EmulatorRoute[] {
  return [restRoute(state, { method: 'POST', path: '/users/@me/dms', handle: (ctx) => createDmSession(state, ctx) })];
}

function createDmSession(state: RestState, ctx: RouteContext): RouteResult {
  const body = ctx.body;
  if (!isJsonObject(body) || !isNonEmptyString(body.recipient_id) || !isNonEmptyString(body.source_guild_id)) reject(restErrors.badBody);
  const session = state.dmSessionFor(body.recipient_id, body.source_guild_id) ?? openSession(state, body.recipient_id, body.source_guild_id, ctx.now);
  return ok({ guild_id: session.guildId, channel_id: session.channelId, create_time: session.createTime });
}

function openSession(state: RestState, recipientId: string, sourceGuildId: string, now: number): DmSession {
  // Guild and channel ids are decimal uint64 strings (reference §2.1); DM guilds get their own.
  const serial = state.dmSessions.length + 1;
  const session: DmSession = {
    recipientId,
    sourceGuildId,
    guildId: String(18_700_000_100_000 + serial),
    channelId: String(200_000 + serial),
    createTime: String(Math.floor(now / 1000)),
    at: now,
  };
  state.dmSessions.push(session);
  return session;
}
