import type { TextMessageBody } from '../rest/message-types.js';
import { QQMessageError } from './errors.js';

/**
 * A text message (msg_type 0). Works in every scene: C2C and group sends carry `msg_type: 0`, guild channel and
 * DM sends drop it (their bodies have no msg_type). Empty or blank text is refused here, because the platform
 * answers 50006 "消息为空" for it.
 *
 * @example
 * await event.reply(text('pong'));
 * await bot.api.sendGroupMessage(groupOpenid, text(`${mentionUser(userId)} 欢迎`));
 */
export function text(content: string): TextMessageBody {
  if (typeof content !== 'string' || content.trim() === '') throw new QQMessageError('content', 'must be non-empty text (the platform refuses an empty message, code 50006)');
  return { msg_type: 0, content };
}
