/**
 * `POST /channels/{channel_id}/messages` and `POST /dms/{guild_id}/messages` (reference §9.1, §9.2). Active
 * sends are accepted (the guild quotas of §9.4 are not counted); passive ones follow the 5-minute window. Answers a
 * full guild Message object (samples/channel_message_send_response.*.json).
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { guildMessageId, platformTimestamp } from '../ids.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID } from '../payloads.js';
import { readGuildMessageBody, type GuildMessageInput } from './guild-message-body.js';
import { isNonEmptyString } from './json.js';
import { checkReplyBudget, resolveReplyAnchor } from './passive-reply.js';
import type { ResolvedRestOptions } from './rest-options.js';
import { ok, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function guildMessageRoutes(state: RestState, options: ResolvedRestOptions): EmulatorRoute[] {
  const send = (scene: 'guild' | 'dm') => (ctx: RouteContext, [target = '']: string[]) => sendGuildMessage(state, options, scene, target, ctx);
  return [
    restRoute(state, { method: 'POST', path: '/channels/{channel_id}/messages', handle: send('guild') }),
    restRoute(state, { method: 'POST', path: '/dms/{guild_id}/messages', handle: send('dm') }),
  ];
}

function sendGuildMessage(state: RestState, options: ResolvedRestOptions, scene: 'guild' | 'dm', target: string, ctx: RouteContext): RouteResult {
  const input = readGuildMessageBody(ctx);
  const anchor = resolveReplyAnchor({ scene, target, msgId: input.msgId, eventId: input.eventId, now: ctx.now, inbound: ctx.inbound });
  if (anchor) checkReplyBudget(state, scene, anchor, 1);

  const id = guildMessageId();
  const timestamp = platformTimestamp(ctx.now);
  if (anchor) state.countReply(anchor.key, undefined);
  state.recordSent({
    id,
    scene,
    target,
    body: input.body,
    passive: anchor !== undefined,
    ...(anchor?.kind === 'msg_id' ? { msgId: anchor.id } : {}),
    ...(anchor?.kind === 'event_id' ? { eventId: anchor.id } : {}),
    via: 'message',
    at: ctx.now,
    timestamp,
  });
  return ok(guildMessageObject(state, options, scene, target, ctx, input, id, timestamp));
}

/**
 * The Message object of the samples. The emulator does not know which guild a channel belongs to (inbound records
 * keep only the channel), so channel messages report the default guild id; DMs report the session's channel.
 */
function guildMessageObject(
  state: RestState,
  options: ResolvedRestOptions,
  scene: 'guild' | 'dm',
  target: string,
  ctx: RouteContext,
  input: GuildMessageInput,
  id: string,
  timestamp: string,
): Record<string, unknown> {
  const { body } = input;
  const dm = scene === 'dm' ? state.dmSessionByGuild(target) : undefined;
  const channelId = scene === 'guild' ? target : (dm?.channelId ?? DEFAULT_CHANNEL_ID);
  const guildId = scene === 'guild' ? DEFAULT_GUILD_ID : target;
  const attachments = attachmentsOf(input);
  return {
    id,
    channel_id: channelId,
    guild_id: guildId,
    content: input.content ?? '',
    timestamp,
    tts: false,
    mention_everyone: false,
    author: { id: ctx.emu.botUser.id, username: ctx.emu.botUser.username, avatar: options.botAvatar, bot: true },
    ...(body.embed !== undefined ? { embeds: [body.embed] } : {}),
    ...(body.ark !== undefined ? { ark: body.ark } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(body.message_reference !== undefined ? { message_reference: body.message_reference } : {}),
    pinned: false,
    type: 0,
    flags: 0,
    seq_in_channel: String(state.nextChannelSeq(`${scene}:${target}`)),
    ...(scene === 'dm' ? { direct_message: true, ...(dm ? { src_guild_id: dm.sourceGuildId } : {}) } : {}),
  };
}

/** An `image` URL is echoed; an uploaded `file_image` gets a CDN-looking URL like the ones in inbound attachments. */
function attachmentsOf(input: GuildMessageInput): Array<Record<string, unknown>> {
  const attachments: Array<Record<string, unknown>> = [];
  if (isNonEmptyString(input.body.image)) attachments.push({ url: input.body.image });
  if (input.fileImage) {
    const { filename, contentType, data } = input.fileImage;
    const url = `https://gchat.qpic.cn/qmeetpic/0/0-0-${randomBytes(16).toString('hex').toUpperCase()}/0`;
    attachments.push({ url, filename, content_type: contentType, size: data.length });
  }
  return attachments;
}
