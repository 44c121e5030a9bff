import type { EmbedMessageBody } from '../rest/message-types.js';
import { QQMessageError } from './errors.js';

export interface EmbedOptions {
  title?: string;
  /** The text of the notification bubble (消息弹窗内容). */
  prompt?: string;
  /** Thumbnail image URL. */
  thumbnail?: string;
  /** One line each. */
  fields?: readonly string[];
}

/**
 * An embed message, msg_type 4 (`{title, prompt, thumbnail: {url}, fields: [{name}]}`). Embeds are a guild-era
 * format; the C2C/group docs list msg_type 4 too, but markdown is the better-supported rich format there.
 *
 * @example
 * await bot.api.sendChannelMessage(channelId, embed({ title: '服务器状态', prompt: '状态更新', fields: ['CPU 12%', '内存 40%'] }));
 */
export function embed(options: EmbedOptions): EmbedMessageBody {
  const { title, prompt, thumbnail, fields } = options;
  if (!title && !prompt && !thumbnail && !(fields && fields.length > 0)) throw new QQMessageError('embed', 'needs a title, prompt, thumbnail or fields');
  return {
    msg_type: 4,
    embed: {
      ...(title !== undefined ? { title } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(thumbnail !== undefined ? { thumbnail: { url: thumbnail } } : {}),
      ...(fields !== undefined ? { fields: fields.map((name) => ({ name })) } : {}),
    },
  };
}
