/**
 * What a bot does to existing guild messages: read one (`GET /channels/{channel_id}/messages/{message_id}` →
 * `{message}`, botgo message.go), react (`PUT|DELETE|GET .../reactions/{emoji_type}/{emoji_id}`, botgo
 * message_reaction.go; users paged by `cookie`), and pin (`PUT|DELETE /channels/{channel_id}/pins/{message_id}`,
 * `GET /channels/{channel_id}/pins`, botgo pins.go; at most 20, `all` unpins everything). The message must be
 * one the bot sent to that channel or one the emulator pushed there.
 */
import type { EmulatorRoute } from '../http-router.js';
import { guildErrors } from './guild-errors.js';
import { requireChannel, requireChannelMessage } from './guild-lookup.js';
import type { GuildWorld } from './guild-world.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

const MAX_PINS = 20;

export function messageExtrasRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  const reactionPath = '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_type}/{emoji_id}';
  const reactionKey = (params: string[]): string => {
    const [, , type = '', emojiId = ''] = params;
    if (type !== '1' && type !== '2') reject(restErrors.badBody);
    if (emojiId === '') reject(restErrors.badBody);
    return params.join('/');
  };
  const pinsOf = (channelId: string): Record<string, unknown> => ({
    guild_id: requireChannel(world, channelId).guild_id,
    channel_id: channelId,
    message_ids: [...(world.pins.get(channelId) ?? [])],
  });

  return [
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/messages/{message_id}',
      handle: (ctx, [channelId = '', messageId = '']) => ok({ message: requireChannelMessage(state, world, ctx, channelId, messageId) }),
    }),
    restRoute(state, {
      method: 'PUT',
      path: reactionPath,
      handle: (ctx, params) => {
        requireChannelMessage(state, world, ctx, params[0] ?? '', params[1] ?? '');
        const key = reactionKey(params);
        world.reactions.set(key, (world.reactions.get(key) ?? new Set()).add(ctx.emu.botUser.id));
        return okEmpty();
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: reactionPath,
      handle: (ctx, params) => {
        requireChannelMessage(state, world, ctx, params[0] ?? '', params[1] ?? '');
        world.reactions.get(reactionKey(params))?.delete(ctx.emu.botUser.id);
        return okEmpty();
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: reactionPath,
      handle: (ctx, params) => {
        const channel = requireChannel(world, params[0] ?? '');
        requireChannelMessage(state, world, ctx, params[0] ?? '', params[1] ?? '');
        const limit = Number(ctx.query.get('limit') ?? 20);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) reject(restErrors.badBody);
        const start = Number(ctx.query.get('cookie') ?? '0') || 0;
        const ids = [...(world.reactions.get(reactionKey(params)) ?? [])];
        const users = ids.slice(start, start + limit).map((id) => {
          const user = world.members.get(channel.guild_id)?.get(id)?.user;
          return { id, username: user?.username ?? '', avatar: user?.avatar ?? '' };
        });
        const end = start + limit >= ids.length;
        return ok({ users, cookie: end ? '' : String(start + limit), is_end: end });
      },
    }),
    restRoute(state, {
      method: 'PUT',
      path: '/channels/{channel_id}/pins/{message_id}',
      handle: (ctx, [channelId = '', messageId = '']) => {
        requireChannelMessage(state, world, ctx, channelId, messageId);
        const pins = world.pins.get(channelId) ?? [];
        if (!pins.includes(messageId)) {
          if (pins.length >= MAX_PINS) reject(guildErrors.tooManyPins);
          world.pins.set(channelId, [...pins, messageId]);
        }
        return ok(pinsOf(channelId));
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/channels/{channel_id}/pins/{message_id}',
      handle: (_ctx, [channelId = '', messageId = '']) => {
        requireChannel(world, channelId);
        const pins = world.pins.get(channelId) ?? [];
        if (messageId !== 'all' && !pins.includes(messageId)) reject(guildErrors.unknownMessage);
        world.pins.set(channelId, messageId === 'all' ? [] : pins.filter((id) => id !== messageId));
        return okEmpty();
      },
    }),
    restRoute(state, { method: 'GET', path: '/channels/{channel_id}/pins', handle: (_ctx, [channelId = '']) => ok(pinsOf(channelId)) }),
  ];
}
