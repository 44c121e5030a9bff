import type { RestClient } from './client.js';
import { QQApiError, QQMessageAuditError, QQReplyRuleError } from './errors.js';
import { toChannelMessageBody, toMessageBody } from './message-body.js';
import { loadMediaSource } from './media-source.js';
import type { ChannelMessageBody, MediaFileType, MediaSource, MediaUpload, MessageBody, SendResult } from './message-types.js';
import type { PassiveReplyFields, ReplyAllowance, ReplyContext } from './reply-context.js';
import { replyRules, type ReplyScene } from '../protocol/reply-rules.js';

export { createReplyContext, formatDuration } from './reply-context.js';
export type { ReplyContext, ReplyContextOptions, PassiveReplyFields, ReplyAllowance } from './reply-context.js';

type PassiveKeys = 'msg_id' | 'event_id' | 'msg_seq';
type WithoutPassive<T> = T extends unknown ? Omit<T, PassiveKeys> : never;

/** A reply body: what the scene's send takes, minus the passive fields the context fills in. */
export type ReplyBody<S extends ReplyScene> = S extends 'c2c' | 'group' ? WithoutPassive<MessageBody> : WithoutPassive<ChannelMessageBody>;

/** A media reply: upload source, kind, and an optional caption. */
export type ReplyMedia = MediaSource & { file_type: MediaFileType; content?: string };

export interface Reply<S extends ReplyScene = ReplyScene> {
  /** Sends a passive reply (a string is text). Rule violations throw `QQReplyRuleError` before any request. */
  reply(content: string | ReplyBody<S>): Promise<SendResult>;
  /**
   * C2C/group: uploads the media (`srv_send_msg: false`, so no active quota is spent) and sends it as msg_type 7,
   * under the same rules. Guild/DM: an image URL is sent as the body's `image`; other media throw `QQReplyRuleError`
   * (rich-media upload is C2C/group only, reference §9.6).
   */
  replyMedia(media: ReplyMedia): Promise<SendResult>;
  remaining(): ReplyAllowance;
}

/**
 * Binds a reply context to a client: replies carry `msg_id` (or `event_id`) and a fresh `msg_seq`, go to the
 * scene's send endpoint, and are refused locally once the window has passed or the reply count is used up.
 *
 * @example
 * const ctx = createReplyContext({ scene: 'group', target: d.group_openid, msgId: d.id, receivedAt: Date.now() });
 * const { reply, replyMedia } = createReply(client, ctx);
 * await reply('pong');
 * await replyMedia({ file_type: 1, url: 'https://example.com/cat.png' });
 */
export function createReply<S extends ReplyScene>(client: RestClient, ctx: ReplyContext<S>): Reply<S> {
  const scene: ReplyScene = ctx.scene;

  const send = async (body: string | MessageBody | ChannelMessageBody): Promise<SendResult> => {
    // Convert before claiming: a body this scene cannot take fails without spending a reply slot.
    if (!replyRules[scene].usesMsgSeq) body = toChannelMessageBody(body);
    const passive = ctx.claim();
    try {
      return await deliver(client, scene, ctx.target, body, passive);
    } catch (error) {
      if (isDefinitiveRefusal(error)) ctx.release();
      throw error;
    }
  };

  return {
    reply: (content) => send(content as string | MessageBody | ChannelMessageBody),
    async replyMedia(media) {
      if (scene === 'guild' || scene === 'dm') {
        ctx.check();
        return send(await channelImage(ctx, media));
      }
      ctx.check(); // before the upload: no request for a reply that cannot be made
      const upload = { ...(await loadMediaSource(media)), file_type: media.file_type, srv_send_msg: false } as MediaUpload;
      const uploaded = scene === 'c2c' ? await client.uploadC2CMedia(ctx.target, upload) : await client.uploadGroupMedia(ctx.target, upload);
      return send({ msg_type: 7, media: { file_info: uploaded.file_info }, content: media.content ?? ' ' });
    },
    remaining: () => ctx.remaining(),
  };
}

function deliver(
  client: RestClient,
  scene: ReplyScene,
  target: string,
  body: string | MessageBody | ChannelMessageBody,
  passive: PassiveReplyFields,
): Promise<SendResult> {
  if (replyRules[scene].usesMsgSeq) {
    const wire: MessageBody = { ...toMessageBody(body as string | MessageBody), ...passive };
    return scene === 'c2c' ? client.sendC2CMessage(target, wire) : client.sendGroupMessage(target, wire);
  }
  const { msg_seq: _unused, ...reference } = passive;
  const wire: ChannelMessageBody = { ...toChannelMessageBody(body as string | ChannelMessageBody), ...reference };
  return scene === 'guild' ? client.sendChannelMessage(target, wire) : client.sendDirectMessage(target, wire);
}

async function channelImage(ctx: ReplyContext, media: ReplyMedia): Promise<ChannelMessageBody> {
  if (media.file_type !== 1) {
    throw new QQReplyRuleError(
      `Cannot send this media in a ${replyRules[ctx.scene].name}: video, voice and file uploads are C2C/group only; guild channels and DMs take images (a URL, bytes or a file)`,
      { rule: 'media-scene', scene: ctx.scene, elapsedMs: ctx.elapsed() },
    );
  }
  const caption = media.content === undefined ? {} : { content: media.content };
  const loaded = await loadMediaSource(media);
  return loaded.url !== undefined ? { image: loaded.url, ...caption } : { file_image: loaded.data, ...caption };
}

/**
 * True when the platform answered and refused the send (4xx), so it cannot count as a reply. An audit notice is
 * an accepted message; a timeout or 5xx leaves it unknown whether the reply landed, so the slot stays taken.
 */
function isDefinitiveRefusal(error: unknown): boolean {
  if (!(error instanceof QQApiError) || error instanceof QQMessageAuditError) return false;
  return error.status >= 400 && error.status < 500;
}
