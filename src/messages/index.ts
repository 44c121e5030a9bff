/**
 * Message builders: typed bodies for every message kind, with the platform's required fields filled in and
 * its limits checked before any request. See docs/messages.md.
 *
 * @example
 * import { markdown, keyboard, callbackButton, image, stripMentions } from 'qq-bot-machine';
 * bot.on('GROUP_AT_MESSAGE_CREATE').subscribe(async (event) => {
 *   if (stripMentions(event.data.content) === '/menu') {
 *     await event.reply(markdown('**菜单**', keyboard([[callbackButton('签到', 'checkin')]])));
 *   }
 * });
 */
export { QQMessageError } from './errors.js';
export { text } from './text.js';
export { markdown, markdownTemplate, type MarkdownTemplateParams } from './markdown.js';
export {
  keyboard,
  keyboardTemplate,
  callbackButton,
  linkButton,
  commandButton,
  ButtonStyle,
  ButtonAction,
  defaultUnsupportTips,
  MAX_KEYBOARD_ROWS,
  MAX_BUTTONS_PER_ROW,
  type ButtonOptions,
  type ButtonPermission,
} from './keyboard.js';
export { ark, type ArkValue } from './ark.js';
export { embed, type EmbedOptions } from './embed.js';
export { image, video, voice, file, mediaSource, MediaKind, type MediaInput } from './media.js';
export {
  mentionUser,
  mentionEveryone,
  mentionChannel,
  mentionGroupMember,
  mentionGroupEveryone,
  emoji,
  mentionedUserIds,
  mentions,
  stripMentions,
  type StripMentionsOptions,
} from './mentions.js';
