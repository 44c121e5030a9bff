/**
 * Builders for realistic event payloads (`d`). Shapes are copied from the samples in shared/protocol/samples
 * (named on each builder) so the package works when installed without those files. Ids, openids and timestamps
 * are generated; pass your own to make a test deterministic.
 */
import { guildMessageId, platformTimestamp, robotMessageId, uuid } from './ids.js';

/** What the builders need from the emulator. */
export interface PayloadContext {
  /** ms, the emulator clock. */
  now: number;
  appId: string;
  botUser: { id: string; username: string };
}

// Defaults taken from the docs samples, so a test that does not care gets stable, realistic ids.
export const DEFAULT_USER_OPENID = 'E4F4AEA33253A2797FB897C50B81D7ED';
export const DEFAULT_GROUP_OPENID = 'C9F778FE6ADF9D1D1DBE395BF744A33A';
export const DEFAULT_MEMBER_OPENID = 'E4F4AEA33253A2797FB897C50B81D7ED';
export const DEFAULT_GUILD_ID = '18700000000001';
export const DEFAULT_CHANNEL_ID = '100010';
export const DEFAULT_DM_GUILD_ID = '18700000000002';
export const DEFAULT_GUILD_USER = { id: '1234', username: 'abc', avatar: 'http://thirdqq.qlogo.cn/0' } as const;

const seconds = (ms: number): number => Math.floor(ms / 1000);

export interface Attachment {
  content_type: string;
  filename: string;
  url: string;
  width?: number;
  height?: number;
  size?: number;
  /** Present (empty) in real captures. */
  content?: string;
}

export interface C2cMessageOptions {
  content: string;
  userOpenid?: string;
  msgId?: string;
  attachments?: Attachment[];
}

/** C2C_MESSAGE_CREATE `d`. Sample: c2c_message_create.webhook.captured.json (+ message_type from captured_msgtype3). */
export function c2cMessagePayload(options: C2cMessageOptions, ctx: PayloadContext): Record<string, unknown> {
  const openid = options.userOpenid ?? DEFAULT_USER_OPENID;
  return {
    id: options.msgId ?? robotMessageId(),
    content: options.content,
    timestamp: platformTimestamp(ctx.now),
    author: { id: openid, user_openid: openid, union_openid: openid },
    ...(options.attachments ? { attachments: options.attachments } : {}),
    message_scene: { source: 'default', callback_data: '' },
    message_type: 0,
  };
}

export interface GroupAtMessageOptions {
  /** The text after the @. A leading space is added, as the platform leaves one where the @ was stripped. */
  content: string;
  groupOpenid?: string;
  memberOpenid?: string;
  msgId?: string;
  attachments?: Attachment[];
}

/** GROUP_AT_MESSAGE_CREATE `d`. Samples: group_at_message_create.webhook.captured.json, captured2.json. */
export function groupAtMessagePayload(options: GroupAtMessageOptions, ctx: PayloadContext): Record<string, unknown> {
  const group = options.groupOpenid ?? DEFAULT_GROUP_OPENID;
  const member = options.memberOpenid ?? DEFAULT_MEMBER_OPENID;
  return {
    id: options.msgId ?? robotMessageId(),
    content: /^\s/.test(options.content) ? options.content : ` ${options.content}`,
    timestamp: platformTimestamp(ctx.now),
    author: { id: member, member_openid: member, union_openid: member },
    group_id: group,
    group_openid: group,
    ...(options.attachments ? { attachments: options.attachments } : {}),
    message_scene: { source: 'default' },
    message_type: 0,
  };
}

export interface GuildMessageOptions {
  content: string;
  guildId?: string;
  channelId?: string;
  author?: { id: string; username: string; avatar?: string };
  msgId?: string;
  /** Channel sequence number. Default: derived from the clock. */
  seq?: number;
}

export interface GuildAtMessageOptions extends GuildMessageOptions {
  /** Prefix the content with `<@!botId> ` and list the bot in `mentions`, as real @-messages do. Default true. */
  mention?: boolean;
}

function guildMessageBase(options: GuildMessageOptions, ctx: PayloadContext, guildId: string): Record<string, unknown> {
  const author = options.author ?? DEFAULT_GUILD_USER;
  const seq = options.seq ?? (ctx.now % 1_000_000);
  return {
    author: { avatar: author.avatar ?? DEFAULT_GUILD_USER.avatar, bot: false, id: author.id, username: author.username },
    channel_id: options.channelId ?? DEFAULT_CHANNEL_ID,
    content: options.content,
    guild_id: guildId,
    id: options.msgId ?? guildMessageId(),
    member: { joined_at: '2021-04-12T16:34:42+08:00', roles: ['1'] },
    timestamp: platformTimestamp(ctx.now),
    seq,
    seq_in_channel: String(seq),
  };
}

/** AT_MESSAGE_CREATE `d`. Sample: at_message_create.d.docs.json (+ mentions, seq_in_channel from reference §6.3). */
export function guildAtMessagePayload(options: GuildAtMessageOptions, ctx: PayloadContext): Record<string, unknown> {
  const base = guildMessageBase(options, ctx, options.guildId ?? DEFAULT_GUILD_ID);
  if (options.mention === false) return base;
  return {
    ...base,
    content: `<@!${ctx.botUser.id}> ${options.content}`,
    mentions: [{ id: ctx.botUser.id, username: ctx.botUser.username, bot: true, avatar: '' }],
  };
}

export interface DirectMessageOptions extends GuildMessageOptions {
  /** The guild the DM session started from. Default the default guild id. */
  srcGuildId?: string;
}

/** DIRECT_MESSAGE_CREATE `d`; `guild_id` is the DM session's guild. Sample: direct_message_create.d.docs.json (+ direct_message, src_guild_id from reference §6.3). */
export function directMessagePayload(options: DirectMessageOptions, ctx: PayloadContext): Record<string, unknown> {
  return {
    ...guildMessageBase(options, ctx, options.guildId ?? DEFAULT_DM_GUILD_ID),
    direct_message: true,
    src_guild_id: options.srcGuildId ?? DEFAULT_GUILD_ID,
  };
}

export interface InteractionOptions {
  scene: 'c2c' | 'group' | 'guild';
  buttonData?: string;
  buttonId?: string;
  interactionId?: string;
  userOpenid?: string;
  groupOpenid?: string;
  memberOpenid?: string;
  guildId?: string;
  channelId?: string;
  /** The guild user who clicked (guild scene). */
  userId?: string;
  /** The message the button belongs to. */
  messageId?: string;
}

const CHAT_TYPE = { guild: 0, group: 1, c2c: 2 } as const;

/** INTERACTION_CREATE `d` (button click, type 11). Samples: interaction_create.ws.docs.json, interaction_create.d.docs.json; scene fields from reference §6.3. */
export function interactionPayload(options: InteractionOptions, ctx: PayloadContext): Record<string, unknown> {
  const resolved: Record<string, unknown> = {
    button_data: options.buttonData ?? '回调按钮',
    button_id: options.buttonId ?? '21',
  };
  const sceneFields: Record<string, unknown> = {};
  if (options.scene === 'c2c') {
    const user = options.userOpenid ?? DEFAULT_USER_OPENID;
    resolved.user_id = user;
    sceneFields.user_openid = user;
  } else if (options.scene === 'group') {
    const member = options.memberOpenid ?? DEFAULT_MEMBER_OPENID;
    resolved.user_id = member;
    sceneFields.group_openid = options.groupOpenid ?? DEFAULT_GROUP_OPENID;
    sceneFields.group_member_openid = member;
  } else {
    const user = options.userId ?? DEFAULT_GUILD_USER.id;
    resolved.user_id = user;
    sceneFields.guild_id = options.guildId ?? DEFAULT_GUILD_ID;
    sceneFields.channel_id = options.channelId ?? DEFAULT_CHANNEL_ID;
  }
  if (options.messageId) resolved.message_id = options.messageId;
  return {
    application_id: ctx.appId,
    chat_type: CHAT_TYPE[options.scene],
    data: { resolved, type: 11 },
    id: options.interactionId ?? uuid(),
    scene: options.scene,
    timestamp: platformTimestamp(ctx.now),
    type: 11,
    version: 1,
    ...sceneFields,
  };
}

export interface FriendAddOptions {
  openid?: string;
}

/** FRIEND_ADD `d`. Sample: friend_add.webhook.captured.json (timestamp is integer seconds). */
export function friendAddPayload(options: FriendAddOptions, ctx: PayloadContext): Record<string, unknown> {
  const openid = options.openid ?? DEFAULT_USER_OPENID;
  return { timestamp: seconds(ctx.now), openid, author: { union_openid: openid } };
}

export interface GroupAddRobotOptions {
  groupOpenid?: string;
  opMemberOpenid?: string;
}

/** GROUP_ADD_ROBOT `d`. Sample: group_add_robot.webhook.captured.json. */
export function groupAddRobotPayload(options: GroupAddRobotOptions, ctx: PayloadContext): Record<string, unknown> {
  return {
    timestamp: seconds(ctx.now),
    group_openid: options.groupOpenid ?? DEFAULT_GROUP_OPENID,
    op_member_openid: options.opMemberOpenid ?? DEFAULT_MEMBER_OPENID,
  };
}
