/**
 * `GET /users/@me`: the bot's own user (bot-docs openapi/user/model.md and its `/users/@me` sample:
 * `{id, username, avatar, union_openid, union_user_account}`). The union fields need a special grant, so they
 * are empty.
 */
import type { EmulatorRoute } from '../http-router.js';
import type { ResolvedRestOptions } from './rest-options.js';
import { ok, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function botUserRoutes(state: RestState, options: ResolvedRestOptions): EmulatorRoute[] {
  return [
    restRoute(state, {
      method: 'GET',
      path: '/users/@me',
      handle: (ctx) =>
        ok({ id: ctx.emu.botUser.id, username: ctx.emu.botUser.username, avatar: options.botAvatar, union_openid: '', union_user_account: '' }),
    }),
  ];
}
