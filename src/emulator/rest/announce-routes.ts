/**
 * `POST /guilds/{guild_id}/announces` and `DELETE /guilds/{guild_id}/announces/{message_id}` (botpy api.py
 * `create_announce`, `create_recommend_announce`, `delete_announce`; botgo announces.go). A message announcement
 * and recommended channels replace each other; at most 3 recommended channels; `all` deletes whatever is set.
 */
import type { EmulatorRoute } from '../http-router.js';
import { guildErrors } from './guild-errors.js';
import { requireChannel, requireGuild } from './guild-lookup.js';
import type { GuildWorld } from './guild-world.js';
import { isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function announceRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'POST',
      path: '/guilds/{guild_id}/announces',
      handle: (ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const body = ctx.body;
        if (!isJsonObject(body)) reject(restErrors.badBody);
        let announce: Record<string, unknown>;
        if (body.recommend_channels !== undefined) {
          const channels = body.recommend_channels;
          if (!Array.isArray(channels) || channels.length === 0) reject(restErrors.badBody);
          if (channels.length > 3) reject(guildErrors.tooManyRecommendChannels);
          for (const c of channels) {
            if (!isJsonObject(c) || !isNonEmptyString(c.channel_id) || typeof c.introduce !== 'string') reject(restErrors.badBody);
            requireChannel(world, c.channel_id);
          }
          announce = { guild_id: guildId, channel_id: '', message_id: '', announces_type: body.announces_type ?? 0, recommend_channels: channels };
        } else {
          if (!isNonEmptyString(body.message_id) || !isNonEmptyString(body.channel_id)) reject(restErrors.badBody);
          requireChannel(world, body.channel_id);
          announce = { guild_id: guildId, channel_id: body.channel_id, message_id: body.message_id, announces_type: 0, recommend_channels: [] };
        }
        world.announces.set(guildId, [announce]); // the two kinds replace each other
        return ok(announce);
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/guilds/{guild_id}/announces/{message_id}',
      handle: (_ctx, [guildId = '', messageId = '']) => {
        requireGuild(world, guildId);
        const current = world.announces.get(guildId) ?? [];
        if (messageId !== 'all' && !current.some((a) => a.message_id === messageId)) reject(guildErrors.unknownMessage);
        world.announces.set(guildId, messageId === 'all' ? [] : current.filter((a) => a.message_id !== messageId));
        return okEmpty();
      },
    }),
  ];
}
