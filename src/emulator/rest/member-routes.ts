/**
 * Members and roles: `GET /guilds/{guild_id}/members` (`after`, `limit` 1–400), `GET|DELETE
 * /guilds/{guild_id}/members/{user_id}`, `GET /guilds/{guild_id}/roles/{role_id}/members` (`start_index`, `limit`,
 * answers `{data, next}`), `GET /channels/{channel_id}/voice/members`, `GET|POST /guilds/{guild_id}/roles`,
 * `PATCH|DELETE /guilds/{guild_id}/roles/{role_id}` and `PUT|DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}`
 * (botpy api.py; botgo member.go, role.go). System roles (1, 2, 4, 5) cannot be deleted; role 5 (channel admin)
 * needs `{channel: {id}}` when granted.
 */
import type { EmulatorRoute, RouteContext } from '../http-router.js';
import { guildErrors } from './guild-errors.js';
import { requireChannel, requireGuild, requireMember, requireRole } from './guild-lookup.js';
import type { GuildWorld, WorldMember, WorldRole } from './guild-world.js';
import { isInteger, isJsonObject } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

const SYSTEM_ROLE_IDS = new Set(['1', '2', '4', '5']);
const HISTORY_DAYS = new Set([0, 3, 7, 15, 30, -1]);

function pageLimit(ctx: RouteContext, fallback: number, max: number): number {
  const raw = ctx.query.get('limit');
  if (raw === null) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) reject(restErrors.badBody);
  return limit;
}

const byId = (a: WorldMember, b: WorldMember): number => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : BigInt(a.user.id) > BigInt(b.user.id) ? 1 : 0);

export function memberRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'GET',
      path: '/guilds/{guild_id}/members',
      handle: (ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const after = BigInt(/^\d+$/.test(ctx.query.get('after') ?? '') ? (ctx.query.get('after') as string) : '0');
        const members = [...(world.members.get(guildId)?.values() ?? [])].sort(byId).filter((m) => BigInt(m.user.id) > after);
        return ok(members.slice(0, pageLimit(ctx, 1, 400)));
      },
    }),
    restRoute(state, { method: 'GET', path: '/guilds/{guild_id}/members/{user_id}', handle: (_ctx, [guildId = '', userId = '']) => ok(requireMember(world, guildId, userId)) }),
    restRoute(state, {
      method: 'DELETE',
      path: '/guilds/{guild_id}/members/{user_id}',
      handle: (ctx, [guildId = '', userId = '']) => {
        requireMember(world, guildId, userId);
        const body = ctx.body === undefined ? {} : ctx.body;
        if (!isJsonObject(body)) reject(restErrors.badBody);
        if (body.add_blacklist !== undefined && typeof body.add_blacklist !== 'boolean') reject(restErrors.badBody);
        if (body.delete_history_msg_days !== undefined && !(isInteger(body.delete_history_msg_days) && HISTORY_DAYS.has(body.delete_history_msg_days))) reject(restErrors.badBody);
        world.members.get(guildId)?.delete(userId);
        if (body.add_blacklist === true) world.blacklist.add(userId);
        return okEmpty();
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/guilds/{guild_id}/roles/{role_id}/members',
      handle: (ctx, [guildId = '', roleId = '']) => {
        requireRole(world, guildId, roleId);
        const start = Number(ctx.query.get('start_index') ?? '0') || 0;
        const limit = pageLimit(ctx, 1, 400);
        const holders = [...(world.members.get(guildId)?.values() ?? [])].sort(byId).filter((m) => m.roles.includes(roleId));
        const page = holders.slice(start, start + limit);
        return ok({ data: page, next: start + limit < holders.length ? String(start + limit) : '' });
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/voice/members',
      handle: (_ctx, [channelId = '']) => {
        const channel = requireChannel(world, channelId);
        if (channel.type !== 2) reject(guildErrors.wrongChannelType);
        return ok([...(world.members.get(channel.guild_id)?.values() ?? [])].filter((m) => m.user.bot && world.mic.has(channelId)));
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/guilds/{guild_id}/roles',
      handle: (_ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const roles = [...(world.roles.get(guildId)?.values() ?? [])].map((role) => roleView(world, guildId, role));
        return ok({ guild_id: guildId, roles, role_num_limit: '32' });
      },
    }),
    restRoute(state, {
      method: 'POST',
      path: '/guilds/{guild_id}/roles',
      handle: (ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const input = readRoleInput(ctx);
        const role: WorldRole = { id: world.nextId(), name: input.name ?? '新身份组', color: input.color ?? 4278245297, hoist: input.hoist ?? 0, member_limit: 3000 };
        world.roles.get(guildId)?.set(role.id, role);
        return ok({ role_id: role.id, role: roleView(world, guildId, role) });
      },
    }),
    restRoute(state, {
      method: 'PATCH',
      path: '/guilds/{guild_id}/roles/{role_id}',
      handle: (ctx, [guildId = '', roleId = '']) => {
        const role = requireRole(world, guildId, roleId);
        Object.assign(role, readRoleInput(ctx));
        return ok({ guild_id: guildId, role_id: roleId, role: roleView(world, guildId, role) });
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/guilds/{guild_id}/roles/{role_id}',
      handle: (_ctx, [guildId = '', roleId = '']) => {
        requireRole(world, guildId, roleId);
        if (SYSTEM_ROLE_IDS.has(roleId)) reject(restErrors.badBody);
        world.roles.get(guildId)?.delete(roleId);
        for (const member of world.members.get(guildId)?.values() ?? []) member.roles = member.roles.filter((r) => r !== roleId);
        return okEmpty();
      },
    }),
    restRoute(state, { method: 'PUT', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', handle: (ctx, params) => changeRole(world, ctx, params, 'add') }),
    restRoute(state, { method: 'DELETE', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', handle: (ctx, params) => changeRole(world, ctx, params, 'remove') }),
  ];
}

function roleView(world: GuildWorld, guildId: string, role: WorldRole): Record<string, unknown> {
  const number = [...(world.members.get(guildId)?.values() ?? [])].filter((m) => m.roles.includes(role.id)).length;
  return { ...role, number };
}

function readRoleInput(ctx: RouteContext): { name?: string; color?: number; hoist?: number } {
  const body = ctx.body;
  if (!isJsonObject(body)) reject(restErrors.badBody);
  if (body.name !== undefined && typeof body.name !== 'string') reject(restErrors.badBody);
  if (body.color !== undefined && !isInteger(body.color)) reject(restErrors.badBody);
  if (body.hoist !== undefined && body.hoist !== 0 && body.hoist !== 1) reject(restErrors.badBody);
  return {
    ...(typeof body.name === 'string' ? { name: body.name } : {}),
    ...(isInteger(body.color) ? { color: body.color } : {}),
    ...(body.hoist === 0 || body.hoist === 1 ? { hoist: body.hoist } : {}),
  };
}

function changeRole(world: GuildWorld, ctx: RouteContext, [guildId = '', userId = '', roleId = '']: string[], change: 'add' | 'remove') {
  const member = requireMember(world, guildId, userId);
  requireRole(world, guildId, roleId);
  if (roleId === '5') {
    const body = ctx.body;
    const channelId = isJsonObject(body) && isJsonObject(body.channel) && typeof body.channel.id === 'string' ? body.channel.id : undefined;
    if (channelId === undefined) reject(restErrors.badBody);
    requireChannel(world, channelId);
  }
  member.roles = change === 'add' ? [...new Set([...member.roles, roleId])] : member.roles.filter((r) => r !== roleId);
  return okEmpty();
}
