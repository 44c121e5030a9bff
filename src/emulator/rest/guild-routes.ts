/**
 * `GET /users/@me/guilds`, `GET /guilds/{guild_id}`, `GET /guilds/{guild_id}/api_permission` and
 * `POST /guilds/{guild_id}/api_permission/demand` (botpy api.py `me_guilds`, `get_guild`, `get_permissions`,
 * `post_permission_demand`; botgo me.go, guilds.go, api_permissions.go).
 */
import type { EmulatorRoute } from '../http-router.js';
import { guildView, requireChannel, requireGuild } from './guild-lookup.js';
import type { GuildWorld } from './guild-world.js';
import { isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

/** The APIs the emulator reports as granted: the guild surface it implements. */
const GRANTED_APIS = [
  ['/guilds/{guild_id}', 'GET', '获取频道详情'],
  ['/guilds/{guild_id}/members', 'GET', '获取频道成员列表'],
  ['/channels/{channel_id}/messages', 'POST', '发送消息'],
  ['/guilds/{guild_id}/mute', 'PATCH', '频道禁言'],
] as const;

export function guildRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'GET',
      path: '/users/@me/guilds',
      handle: (ctx) => {
        const before = ctx.query.get('before');
        const after = ctx.query.get('after');
        const limit = Math.min(Math.max(Number(ctx.query.get('limit') ?? 100) || 100, 1), 100);
        let guilds = [...world.guilds.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (after) guilds = guilds.filter((g) => BigInt(g.id) > BigInt(after));
        if (before) guilds = guilds.filter((g) => BigInt(g.id) < BigInt(before)).reverse();
        return ok(guilds.slice(0, limit).map((g) => guildView(world, g)));
      },
    }),
    restRoute(state, { method: 'GET', path: '/guilds/{guild_id}', handle: (_ctx, [guildId = '']) => ok(guildView(world, requireGuild(world, guildId))) }),
    restRoute(state, {
      method: 'GET',
      path: '/guilds/{guild_id}/api_permission',
      handle: (_ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        return ok({ apis: GRANTED_APIS.map(([path, method, desc]) => ({ path, method, desc, auth_status: 1 })) });
      },
    }),
    restRoute(state, {
      method: 'POST',
      path: '/guilds/{guild_id}/api_permission/demand',
      handle: (ctx, [guildId = '']) => {
        requireGuild(world, guildId);
        const body = ctx.body;
        if (!isJsonObject(body) || !isNonEmptyString(body.channel_id) || !isJsonObject(body.api_identify) || typeof body.desc !== 'string') reject(restErrors.badBody);
        requireChannel(world, body.channel_id);
        return ok({ guild_id: guildId, channel_id: body.channel_id, api_identify: body.api_identify, title: 'API 权限申请', desc: body.desc });
      },
    }),
  ];
}
