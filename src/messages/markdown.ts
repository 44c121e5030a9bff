import type { Keyboard, MarkdownMessageBody } from '../rest/message-types.js';
import { QQMessageError } from './errors.js';

/**
 * Native markdown (msg_type 2, `markdown.content`). Native markdown needs the permission granted in the QQ
 * open-platform console; without it the platform refuses the send. A markdown message may carry a keyboard and
 * nothing else (no `content`, no `ark`: code 50037), so the builder takes the keyboard as its only extra.
 *
 * @example
 * await event.reply(markdown('# 今日天气\n**晴** 25°C'));
 * await event.reply(markdown('选一个：', keyboard([[callbackButton('是', 'yes'), callbackButton('否', 'no')]])));
 */
export function markdown(content: string, withKeyboard?: Keyboard): MarkdownMessageBody {
  if (typeof content !== 'string' || content.trim() === '') throw new QQMessageError('markdown.content', 'must be non-empty (code 40034011 otherwise)');
  return withKeyboard === undefined ? { msg_type: 2, markdown: { content } } : { msg_type: 2, markdown: { content }, keyboard: withKeyboard };
}

/** Template parameters: each key of the console template gets one string or a list of strings. */
export type MarkdownTemplateParams = Record<string, string | readonly string[]>;

/**
 * A markdown message from a template registered in the console (msg_type 2, `markdown.custom_template_id` with
 * `params: [{key, values}]`). Values must be non-empty strings: the platform answers 40034008 for an empty one.
 *
 * @example
 * await event.reply(markdownTemplate('102000001_1700000000', { title: '签到成功', days: '7' }));
 */
export function markdownTemplate(templateId: string, params: MarkdownTemplateParams = {}, withKeyboard?: Keyboard): MarkdownMessageBody {
  if (typeof templateId !== 'string' || templateId === '') throw new QQMessageError('markdown.custom_template_id', 'must be the template id from the console');
  const wire = Object.entries(params).map(([key, value]) => {
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.length === 0 || values.some((v) => typeof v !== 'string' || v === '')) {
      throw new QQMessageError(`markdown.params.${key}`, 'must be one or more non-empty strings (code 40034008 otherwise)');
    }
    return { key, values };
  });
  const body: MarkdownMessageBody = { msg_type: 2, markdown: wire.length > 0 ? { custom_template_id: templateId, params: wire } : { custom_template_id: templateId } };
  return withKeyboard === undefined ? body : { ...body, keyboard: withKeyboard };
}
