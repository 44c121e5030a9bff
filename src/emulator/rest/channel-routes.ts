/**
 * Channels and channel permissions: `GET|POST /guilds/{guild_id}/channels`, `GET|PATCH|DELETE
 * /channels/{channel_id}`, `GET|PUT /channels/{channel_id}/members/{user_id}/permissions` and
 * `.../roles/{role_id}/permissions` (botpy api.py; botgo channels.go, channel_permissions.go). Permission bits are
 * 1 view, 2 manage, 4 speak, 8 live; they travel as decimal strings. A member without an override sees a public
 * channel (view + speak = "5"); admins and owners get every bit.
 */
import type { EmulatorRoute, RouteContext } from '../http-router.js';
import { requireChannel, requireGuild, requireMember, requireRole } from './guild-lookup.js';
import type { GuildWorld, WorldChannel } from './guild-world.js';
import { isInteger, isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

const ALL_BITS = 1 | 2 | 4 | 8;
const UPDATABLE = ['name', 'position', 'parent_id', 'private_type', 'speak_permission'] as const;

export function channelRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  return [
    restRoute(state, { method: 'GET', path: '/guilds/{guild_id}/channels', handle: (_ctx, [guildId = '']) => (requireGuild(world, guildId), ok(world.channelsOf(guildId))) }),
    restRoute(state, { method: 'POST', path: '/guilds/{guild_id}/channels', handle: (ctx, [guildId = '']) => ok(createChannel(world, guildId, ctx)) }),
    restRoute(state, { method: 'GET', path: '/channels/{channel_id}', handle: (_ctx, [channelId = '']) => ok(requireChannel(world, channelId)) }),
    restRoute(state, {
      method: 'PATCH',
      path: '/channels/{channel_id}',
      handle: (ctx, [channelId = '']) => {
        const channel = requireChannel(world, channelId);
        if (!isJsonObject(ctx.body)) reject(restErrors.badBody);
        const body = ctx.body;
        for (const key of UPDATABLE) {
          if (body[key] === undefined) continue;
          if (key === 'name' || key === 'parent_id' ? typeof body[key] !== 'string' : !isInteger(body[key])) reject(restErrors.badBody);
          (channel as unknown as Record<string, unknown>)[key] = body[key];
        }
        return ok(channel);
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/channels/{channel_id}',
      handle: (_ctx, [channelId = '']) => {
        const channel = requireChannel(world, channelId);
        world.channels.delete(channelId);
        return ok(channel);
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/members/{user_id}/permissions',
      handle: (_ctx, [channelId = '', userId = '']) => {
        const channel = requireChannel(world, channelId);
        const member = requireMember(world, channel.guild_id, userId);
        const admin = member.roles.includes('2') || member.roles.includes('4');
        const bits = world.channelPermissions.get(`${channelId}:user:${userId}`) ?? (admin ? ALL_BITS : defaultBits(channel));
        return ok({ channel_id: channelId, user_id: userId, permissions: String(bits) });
      },
    }),
    restRoute(state, {
      method: 'PUT',
      path: '/channels/{channel_id}/members/{user_id}/permissions',
      handle: (ctx, [channelId = '', userId = '']) => {
        const channel = requireChannel(world, channelId);
        requireMember(world, channel.guild_id, userId);
        updateBits(world, `${channelId}:user:${userId}`, defaultBits(channel), ctx);
        return okEmpty();
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/roles/{role_id}/permissions',
      handle: (_ctx, [channelId = '', roleId = '']) => {
        const channel = requireChannel(world, channelId);
        requireRole(world, channel.guild_id, roleId);
        const bits = world.channelPermissions.get(`${channelId}:role:${roleId}`) ?? defaultBits(channel);
        return ok({ channel_id: channelId, role_id: roleId, permissions: String(bits) });
      },
    }),
    restRoute(state, {
      method: 'PUT',
      path: '/channels/{channel_id}/roles/{role_id}/permissions',
      handle: (ctx, [channelId = '', roleId = '']) => {
        const channel = requireChannel(world, channelId);
        requireRole(world, channel.guild_id, roleId);
        updateBits(world, `${channelId}:role:${roleId}`, defaultBits(channel), ctx);
        return okEmpty();
      },
    }),
  ];
}

function defaultBits(channel: WorldChannel): number {
  return channel.private_type === 0 ? 1 | 4 : 0;
}

/** `{add, remove}`: decimal bit strings; unknown bits are refused. */
function updateBits(world: GuildWorld, key: string, fallback: number, ctx: RouteContext): void {
  const body = ctx.body;
  if (!isJsonObject(body)) reject(restErrors.badBody);
  const bits = (value: unknown): number => {
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'string' || !/^\d+$/.test(value) || (Number(value) & ~ALL_BITS) !== 0) reject(restErrors.badBody);
    return Number(value);
  };
  const add = bits(body.add);
  const remove = bits(body.remove);
  world.channelPermissions.set(key, ((world.channelPermissions.get(key) ?? fallback) | add) & ~remove);
}

function createChannel(world: GuildWorld, guildId: string, ctx: RouteContext): WorldChannel {
  requireGuild(world, guildId);
  const body = ctx.body;
  if (!isJsonObject(body) || !isNonEmptyString(body.name) || !isInteger(body.type)) reject(restErrors.badBody);
  const int = (key: string, fallback: number): number => (isInteger(body[key]) ? body[key] : fallback);
  const channel: WorldChannel = {
    id: world.nextId(),
    guild_id: guildId,
    name: body.name,
    type: body.type,
    sub_type: int('sub_type', 0),
    position: int('position', world.channelsOf(guildId).length + 1),
    parent_id: typeof body.parent_id === 'string' ? body.parent_id : '0',
    owner_id: ctx.emu.botUser.id,
    private_type: int('private_type', 0),
    speak_permission: int('speak_permission', 1),
    ...(typeof body.application_id === 'string' ? { application_id: body.application_id } : {}),
  };
  world.addChannel(channel);
  return channel;
}
