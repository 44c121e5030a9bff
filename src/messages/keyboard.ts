/**
 * Keyboard (消息按钮) builders. The platform requires, per button: `render_data.label`, `visited_label`,
 * `style`, and `action.type`, `action.permission`, `action.data`, `action.unsupport_tips` (QQ docs,
 * message/trans/msg-btn.md, "数据结构与协议"). The builders fill the ones a bot author rarely cares about:
 * `visited_label` = label, style 1 (blue outline), permission "everyone", a Chinese "please upgrade" tip, and an
 * `id` unique within the keyboard. At most 5 rows of 5 buttons (QQ docs send-receive/send.md).
 */
import type { Keyboard, KeyboardButton } from '../rest/message-types.js';
import { QQMessageError } from './errors.js';

export const MAX_KEYBOARD_ROWS = 5;
export const MAX_BUTTONS_PER_ROW = 5;

/** `render_data.style`: 0 grey outline, 1 blue outline. */
export const ButtonStyle = { grey: 0, blue: 1 } as const;
export type ButtonStyle = (typeof ButtonStyle)[keyof typeof ButtonStyle];

/** `action.type`: 0 opens a URL, 1 sends an INTERACTION_CREATE to the bot, 2 puts a command into the input box. */
export const ButtonAction = { link: 0, callback: 1, command: 2 } as const;
export type ButtonAction = (typeof ButtonAction)[keyof typeof ButtonAction];

/** Who may press: specified users, managers only, everyone, or specified roles (guild only). */
export type ButtonPermission =
  | { type: 'everyone' }
  | { type: 'managers' }
  | { type: 'users'; userIds: readonly string[] }
  | { type: 'roles'; roleIds: readonly string[] };

const permissionCode = { users: 0, managers: 1, everyone: 2, roles: 3 } as const;

export const defaultUnsupportTips = '当前客户端版本不支持该按钮，请升级 QQ';

export interface ButtonOptions {
  /** Label after the button was pressed; defaults to the label. */
  visitedLabel?: string;
  /** Default `ButtonStyle.blue`. */
  style?: ButtonStyle;
  /** Default everyone. */
  permission?: ButtonPermission;
  /** Toast shown by clients too old for the button. Default {@link defaultUnsupportTips}. */
  unsupportTips?: string;
  /** Button id; default: its position in the keyboard (`r{row}c{column}`). */
  id?: string;
  /** Command buttons: send the command at once instead of filling the input box. */
  enter?: boolean;
  /** Command buttons: quote the message the keyboard belongs to. */
  reply?: boolean;
  /** Command buttons: 1 = open the picture picker (the docs' only value). */
  anchor?: 1;
}

function makeButton(type: ButtonAction, label: string, data: string, options: ButtonOptions = {}): KeyboardButton {
  if (typeof label !== 'string' || label === '') throw new QQMessageError('button.label', 'must be non-empty');
  if (typeof data !== 'string') throw new QQMessageError(`button "${label}".data`, 'must be a string');
  const permission = options.permission ?? { type: 'everyone' };
  const action: KeyboardButton['action'] = {
    type,
    permission: {
      type: permissionCode[permission.type],
      ...(permission.type === 'users' ? { specify_user_ids: [...permission.userIds] } : {}),
      ...(permission.type === 'roles' ? { specify_role_ids: [...permission.roleIds] } : {}),
    },
    data,
    unsupport_tips: options.unsupportTips ?? defaultUnsupportTips,
    ...(options.enter !== undefined ? { enter: options.enter } : {}),
    ...(options.reply !== undefined ? { reply: options.reply } : {}),
    ...(options.anchor !== undefined ? { anchor: options.anchor } : {}),
  };
  return {
    ...(options.id !== undefined ? { id: options.id } : {}),
    render_data: { label, visited_label: options.visitedLabel ?? label, style: options.style ?? ButtonStyle.blue },
    action,
  };
}

/**
 * A button that sends INTERACTION_CREATE with `data.resolved.button_data = data`. Acknowledge it
 * (`event.ack()`), or the user's client keeps spinning.
 *
 * @example
 * const kb = keyboard([[callbackButton('签到', 'checkin')]]);
 */
export function callbackButton(label: string, data: string, options?: ButtonOptions): KeyboardButton {
  return makeButton(ButtonAction.callback, label, data, options);
}

/**
 * A button that opens a URL. The URL's domain must be registered in the console (QQ docs send.md, 消息 URL 配置).
 *
 * @example
 * linkButton('文档', 'https://bot.q.qq.com/wiki/')
 */
export function linkButton(label: string, url: string, options?: ButtonOptions): KeyboardButton {
  if (!/^https?:\/\//.test(url)) throw new QQMessageError(`button "${label}".data`, 'must be an http(s) URL for a link button');
  return makeButton(ButtonAction.link, label, url, options);
}

/**
 * A button that puts a command into the user's input box (`enter: true` sends it at once).
 *
 * @example
 * commandButton('帮助', '/help', { enter: true })
 */
export function commandButton(label: string, command: string, options?: ButtonOptions): KeyboardButton {
  return makeButton(ButtonAction.command, label, command, options);
}

/**
 * A custom keyboard from rows of buttons (≤ 5 rows × 5 buttons). Buttons without an id get `r{row}c{column}`;
 * ids must be unique. Send it with a markdown message (`markdown(text, keyboard(...))`) or alone.
 *
 * @example
 * await event.reply(markdown('今天吃什么？', keyboard([
 *   [callbackButton('面', 'noodles'), callbackButton('饭', 'rice')],
 *   [linkButton('菜单', 'https://example.com/menu')],
 * ])));
 */
export function keyboard(rows: ReadonlyArray<ReadonlyArray<KeyboardButton>>): Keyboard {
  if (!Array.isArray(rows) || rows.length === 0) throw new QQMessageError('keyboard.rows', 'needs at least one row');
  if (rows.length > MAX_KEYBOARD_ROWS) throw new QQMessageError('keyboard.rows', `has ${rows.length} rows; the platform allows ${MAX_KEYBOARD_ROWS}`);
  const seen = new Set<string>();
  const built = rows.map((row, r) => {
    if (!Array.isArray(row) || row.length === 0) throw new QQMessageError(`keyboard.rows[${r}]`, 'needs at least one button');
    if (row.length > MAX_BUTTONS_PER_ROW) throw new QQMessageError(`keyboard.rows[${r}]`, `has ${row.length} buttons; the platform allows ${MAX_BUTTONS_PER_ROW}`);
    return {
      buttons: row.map((button, c) => {
        const id = button.id ?? `r${r + 1}c${c + 1}`;
        if (seen.has(id)) throw new QQMessageError(`keyboard.rows[${r}][${c}].id`, `"${id}" is used twice`);
        seen.add(id);
        return { ...button, id };
      }),
    };
  });
  return { content: { rows: built } };
}

/**
 * A keyboard registered as a template in the console.
 *
 * @example
 * await event.reply(markdown('菜单', keyboardTemplate('102000001_1700000001')));
 */
export function keyboardTemplate(id: string): Keyboard {
  if (typeof id !== 'string' || id === '') throw new QQMessageError('keyboard.id', 'must be the template id from the console');
  return { id };
}
