/**
 * Mutes: `PATCH /guilds/{guild_id}/mute` (whole guild, or `user_ids` → `{user_ids}`) and
 * `PATCH /guilds/{guild_id}/members/{user_id}/mute` (botpy api.py `mute_*`; botgo mute.go). Bodies carry
 * `mute_seconds` and/or `mute_end_timestamp` as decimal strings; "0" lifts a mute. Every accepted mute is recorded
 * in `world.mutes`.
 */
import type { EmulatorRoute, RouteContext } from '../http-router.js';
import { requireGuild, requireMember } from './guild-lookup.js';
import type { GuildWorld, MuteRecord } from './guild-world.js';
import { isJsonObject } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function muteRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'PATCH',
      path: '/guilds/{guild_id}/mute',
      handle: (ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const spec = readMute(ctx);
        const userIds = isJsonObject(ctx.body) ? ctx.body.user_ids : undefined;
        if (userIds === undefined) {
          world.mutes.push({ guildId, ...spec, at: ctx.now });
          return okEmpty();
        }
        if (!Array.isArray(userIds) || !userIds.every((id) => typeof id === 'string')) reject(restErrors.badBody);
        for (const userId of userIds as string[]) requireMember(world, guildId, userId);
        for (const userId of userIds as string[]) world.mutes.push({ guildId, userId, ...spec, at: ctx.now });
        return ok({ user_ids: userIds });
      },
    }),
    restRoute(state, {
      method: 'PATCH',
      path: '/guilds/{guild_id}/members/{user_id}/mute',
      handle: (ctx, [guildId = '', userId = '']) => {
        requireMember(world, guildId, userId);
        world.mutes.push({ guildId, userId, ...readMute(ctx), at: ctx.now });
        return okEmpty();
      },
    }),
  ];
}

function readMute(ctx: RouteContext): Pick<MuteRecord, 'muteSeconds' | 'muteEndTimestamp'> {
  const body = ctx.body;
  if (!isJsonObject(body)) reject(restErrors.badBody);
  const digits = (value: unknown): value is string => typeof value === 'string' && /^\d+$/.test(value);
  const { mute_seconds: seconds, mute_end_timestamp: end } = body;
  if ((seconds !== undefined && !digits(seconds)) || (end !== undefined && !digits(end))) reject(restErrors.badBody);
  if (seconds === undefined && end === undefined) reject(restErrors.badBody);
  return { ...(digits(seconds) ? { muteSeconds: seconds } : {}), ...(digits(end) ? { muteEndTimestamp: end } : {}) };
}
