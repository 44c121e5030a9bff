/**
 * `POST /v2/users/{openid}/messages` (C2C) and `POST /v2/groups/{group_openid}/messages` (group), reference §9.
 * Order of checks: body shape → reply anchor (msg_id/event_id, window) or the active-message policy → media
 * file_info → msg_seq dedupe and reply count. Answers `{id, timestamp}` (samples/c2c_send_message_response.captured.json).
 */
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { platformTimestamp, robotMessageId } from '../ids.js';
import { checkReplyBudget, resolveReplyAnchor } from './passive-reply.js';
import { reject, restErrors } from './rest-errors.js';
import type { ResolvedRestOptions } from './rest-options.js';
import { ok, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';
import { checkFileInfo } from './media-upload.js';
import { WAKEUP_WINDOW_MS } from './reply-policy.js';
import { readV2MessageBody } from './v2-message-body.js';

export function v2MessageRoutes(state: RestState, options: ResolvedRestOptions): EmulatorRoute[] {
  const send = (scene: 'c2c' | 'group') => (ctx: RouteContext, [target = '']: string[]) => sendV2Message(state, options, scene, target, ctx);
  return [
    restRoute(state, { method: 'POST', path: '/v2/users/{openid}/messages', handle: send('c2c') }),
    restRoute(state, { method: 'POST', path: '/v2/groups/{group_openid}/messages', handle: send('group') }),
  ];
}

function sendV2Message(state: RestState, options: ResolvedRestOptions, scene: 'c2c' | 'group', target: string, ctx: RouteContext): RouteResult {
  const message = readV2MessageBody(scene, ctx.body);
  const anchor = resolveReplyAnchor({ scene, target, msgId: message.msgId, eventId: message.eventId, now: ctx.now, inbound: ctx.inbound });
  const wakeup = !anchor && scene === 'c2c' && message.body.is_wakeup === true && userWroteRecently(ctx, target);
  if (!anchor && !wakeup && !options.allowActiveMessages) reject(restErrors.activeMessageForbidden);
  if (message.fileInfo !== undefined) checkFileInfo(state, scene, message.fileInfo, ctx.now);
  if (anchor) checkReplyBudget(state, scene, anchor, message.msgSeq);

  const id = robotMessageId();
  const timestamp = platformTimestamp(ctx.now);
  if (anchor) state.countReply(anchor.key, message.msgSeq);
  state.recordSent({
    id,
    scene,
    target,
    body: message.body,
    msgType: message.msgType,
    passive: anchor !== undefined,
    ...(wakeup ? { wakeup: true as const } : {}),
    ...(anchor?.kind === 'msg_id' ? { msgId: anchor.id } : {}),
    ...(anchor?.kind === 'event_id' ? { eventId: anchor.id } : {}),
    ...(anchor ? { msgSeq: message.msgSeq } : {}),
    via: 'message',
    at: ctx.now,
    timestamp,
  });
  return ok({ id, timestamp });
}

/** A C2C message from `openid` reached the bot within the wake-up window. */
function userWroteRecently(ctx: RouteContext, openid: string): boolean {
  return ctx.inbound.all().some((record) => record.scene === 'c2c' && record.target === openid && record.msgId !== undefined && ctx.now - record.at <= WAKEUP_WINDOW_MS);
}
