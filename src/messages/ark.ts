import type { Ark, ArkMessageBody } from '../rest/message-types.js';
import { QQMessageError } from './errors.js';

/** One value of an ark template: a string, or a list of objects (e.g. the link list of template 23). */
export type ArkValue = string | ReadonlyArray<Readonly<Record<string, string>>>;

/**
 * An ark (template) message, msg_type 3: `{template_id, kv: [{key, value} | {key, obj: [{obj_kv: [...]}]}]}`.
 * Give the template's keys as an object; a list value becomes `obj` entries. Templates 23 (text + links),
 * 24 (text + thumbnail) and 37 (big image) are open to all bots; the keys are in the QQ docs (message/template).
 *
 * @example
 * await event.reply(ark(23, {
 *   '#DESC#': '描述',
 *   '#PROMPT#': '通知',
 *   '#LIST#': [{ desc: '第一行' }, { desc: '链接', link: 'https://example.com' }],
 * }));
 */
export function ark(templateId: number, values: Readonly<Record<string, ArkValue>>): ArkMessageBody {
  if (!Number.isInteger(templateId) || templateId <= 0) throw new QQMessageError('ark.template_id', 'must be a positive integer template id');
  const kv: Ark['kv'] = Object.entries(values).map(([key, value]) => {
    if (typeof value === 'string') return { key, value };
    if (!Array.isArray(value)) throw new QQMessageError(`ark.kv.${key}`, 'must be a string or a list of objects');
    const entries = value as ReadonlyArray<Readonly<Record<string, string>>>;
    return { key, obj: entries.map((entry) => ({ obj_kv: Object.entries(entry).map(([k, v]) => ({ key: k, value: String(v) })) })) };
  });
  if (kv.length === 0) throw new QQMessageError('ark.kv', 'needs at least one key of the template');
  return { msg_type: 3, ark: { template_id: templateId, kv } };
}
