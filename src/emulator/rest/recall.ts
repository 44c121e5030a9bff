/**
 * Recall (reference §9.1; bot-docs send-receive/reset.md): the bot may recall its own messages. C2C/group only
 * within 2 minutes of sending (40064004 after); guild/DM messages at any time (no window is documented).
 * Success is HTTP 200 with no body, as reset.md says ("成功返回 HTTP 状态码 200").
 */
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { reject, restErrors } from './rest-errors.js';
import { RECALL_WINDOW_MS } from './reply-policy.js';
import { okEmpty, restRoute } from './rest-route.js';
import type { RestScene, RestState } from './rest-state.js';

export function recallRoutes(state: RestState): EmulatorRoute[] {
  const recall = (scene: RestScene) => (ctx: RouteContext, [target = '', messageId = '']: string[]) => recallMessage(state, scene, target, messageId, ctx);
  return [
    restRoute(state, { method: 'DELETE', path: '/v2/users/{openid}/messages/{message_id}', handle: recall('c2c') }),
    restRoute(state, { method: 'DELETE', path: '/v2/groups/{group_openid}/messages/{message_id}', handle: recall('group') }),
    restRoute(state, { method: 'DELETE', path: '/channels/{channel_id}/messages/{message_id}', handle: recall('guild') }),
    restRoute(state, { method: 'DELETE', path: '/dms/{guild_id}/messages/{message_id}', handle: recall('dm') }),
  ];
}

function recallMessage(state: RestState, scene: RestScene, target: string, messageId: string, ctx: RouteContext): RouteResult {
  const guild = scene === 'guild' || scene === 'dm';
  const message = state.sentMessage(messageId);
  if (!message || message.scene !== scene || message.target !== target || message.recalledAt !== undefined) {
    reject(guild ? restErrors.guildRecallMsgIdInvalid : restErrors.recallMsgIdInvalid);
  }
  if (!guild && ctx.now - message.at > RECALL_WINDOW_MS) reject(restErrors.recallWindowExceeded);

  message.recalledAt = ctx.now;
  const hidetip = ctx.query.get('hidetip');
  state.recalls.push({ scene, target, messageId, at: ctx.now, ...(hidetip !== null ? { hidetip: hidetip === 'true' } : {}) });
  return okEmpty();
}
