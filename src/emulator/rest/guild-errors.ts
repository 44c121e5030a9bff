/**
 * Errors of the guild REST surface. The guild-era docs (bot-docs `openapi/error/error.md`) list global codes
 * such as 10003 UnknownChannel and 10004 UnknownGuild; the per-endpoint codes of the other objects are not
 * published in a form we could read, so those are CHOSEN (UNCONFIRMED) and answered with HTTP 404, which is what
 * a bot needs to tell "it is gone" from "my request was wrong". Bodies have the platform's error shape.
 */
import type { RestErrorSpec } from './rest-errors.js';

const error = (code: number, message: string, status = 404): RestErrorSpec => ({ code, message, status });

export const guildErrors = {
  /** DOCS 10004 UnknownGuild. */
  unknownGuild: error(10004, '频道不存在'),
  /** DOCS 10003 UnknownChannel. */
  unknownChannel: error(10003, '子频道不存在'),
  /** DOCS 10001 UnknownAccount, used for a user who is not a member. CHOSEN. */
  unknownMember: error(10001, '成员不存在'),
  /** CHOSEN. */
  unknownRole: error(10005, '身份组不存在'),
  /** DOCS-era 306002-style; CHOSEN for reads of an unknown guild message. */
  unknownMessage: error(306002, 'msgid error 消息 id 错误'),
  /** CHOSEN. */
  unknownSchedule: error(10006, '日程不存在'),
  /** CHOSEN. */
  unknownThread: error(10007, '帖子不存在'),
  /** CHOSEN: an operation that needs a channel of another type (a schedule in a text channel, mic in a text channel). */
  wrongChannelType: error(11263, '子频道类型不支持该操作', 400),
  /** QQ docs pins: at most 20 pinned messages per channel. CHOSEN code. */
  tooManyPins: error(620001, '精华消息超出上限', 400),
  /** QQ docs announces: at most 3 recommended channels. CHOSEN code. */
  tooManyRecommendChannels: error(1100101, '推荐子频道超出上限', 400),
} as const satisfies Record<string, RestErrorSpec>;
