/**
 * @-mentions in message content.
 *
 * Guild channels and DMs (QQ docs message/message_format.md; peer SDK qq-official-bot's parser): `<@!user_id>`
 * and `<@user_id>` mention a user, `<@everyone>` everyone, `<#channel_id>` a channel, `<emoji:id>` a system emoji.
 * AT_MESSAGE_CREATE content starts with the bot's own `<@!bot_id>`.
 *
 * Groups: the platform strips the @bot from GROUP_AT_MESSAGE_CREATE and leaves a leading space (QQ docs send-receive/event.md).
 * Sending an @ in a group uses `<qqbot-at-user id="member_openid" />` and `<qqbot-at-everyone />`, the markdown-era
 * syntax SDKs send; it is UNCONFIRMED for plain text messages, so test it in the sandbox before relying on it.
 */

/**
 * `<@!userId>`: mentions a guild member in channel/DM content.
 *
 * @example
 * await event.reply(`${mentionUser(event.data.author.id)} 你好`);
 */
export function mentionUser(userId: string): string {
  return `<@!${userId}>`;
}

/**
 * `<@everyone>` (guild channels; the bot needs the permission).
 *
 * @example
 * await bot.api.sendChannelMessage(channelId, `${mentionEveryone()} 今晚八点开会`);
 */
export function mentionEveryone(): string {
  return '<@everyone>';
}

/**
 * `<#channelId>`: a clickable channel link in guild content.
 *
 * @example
 * await event.reply(`请去 ${mentionChannel('1234')} 讨论`);
 */
export function mentionChannel(channelId: string): string {
  return `<#${channelId}>`;
}

/**
 * `<emoji:id>`: a QQ system emoji by id (QQ docs openapi/emoji/model.md).
 *
 * @example
 * await event.reply(`好的 ${emoji(4)}`);
 */
export function emoji(id: string | number): string {
  return `<emoji:${id}>`;
}

/**
 * `<qqbot-at-user id="…" />`: mentions a group member by `member_openid`. UNCONFIRMED outside markdown.
 *
 * @example
 * await event.reply(markdown(`${mentionGroupMember(event.data.author.member_openid)} 签到成功`));
 */
export function mentionGroupMember(memberOpenid: string): string {
  return `<qqbot-at-user id="${memberOpenid}" />`;
}

/**
 * `<qqbot-at-everyone />` in group markdown. UNCONFIRMED outside markdown.
 *
 * @example
 * await event.reply(markdown(`${mentionGroupEveryone()} 活动开始`));
 */
export function mentionGroupEveryone(): string {
  return '<qqbot-at-everyone />';
}

const USER_MENTION = /<@!?([^>\s]+)>/g;
const ANY_MENTION = /<@!?[^>\s]+>|<qqbot-at-user\s+id="[^"]*"\s*\/>|<qqbot-at-everyone\s*\/>/g;

/**
 * The user ids mentioned in guild content (`<@!id>` and `<@id>`), in order, without duplicates;
 * `everyone` is not a user and is left out.
 *
 * @example
 * mentionedUserIds('<@!1> hi <@2> <@!1>'); // ['1', '2']
 */
export function mentionedUserIds(content: string): string[] {
  const ids = [...content.matchAll(USER_MENTION)].map((m) => m[1] as string).filter((id) => id !== 'everyone');
  return [...new Set(ids)];
}

export interface StripMentionsOptions {
  /** Only remove mentions of this user (the bot's id from READY / `getMe()`); default: remove every mention. */
  only?: string;
}

/**
 * Content without @-mentions, trimmed: what a command parser wants. Handles guild (`<@!id>`, `<@id>`,
 * `<@everyone>`) and group (`<qqbot-at-user …/>`, `<qqbot-at-everyone />`, and the leading space the platform
 * leaves where it removed the @bot) forms. Channel links and emoji stay.
 *
 * @example
 * stripMentions('<@!123> /roll 6');                 // '/roll 6'
 * stripMentions(' /roll 6');                        // '/roll 6' (group content)
 * stripMentions('<@!bot> hi <@!42>', { only: 'bot' }); // 'hi <@!42>'
 */
export function stripMentions(content: string, options: StripMentionsOptions = {}): string {
  const { only } = options;
  const stripped = content.replace(ANY_MENTION, (token) => {
    if (only === undefined) return ' ';
    const id = /^<@!?([^>\s]+)>$/.exec(token)?.[1] ?? /id="([^"]*)"/.exec(token)?.[1];
    return id === only ? ' ' : token;
  });
  return stripped.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * True when the content mentions `userId` (e.g. the bot) in guild or group syntax.
 *
 * @example
 * if (mentions(event.data.content, botId)) { ... }
 */
export function mentions(content: string, userId: string): boolean {
  return mentionedUserIds(content).includes(userId) || content.includes(`<qqbot-at-user id="${userId}"`);
}
