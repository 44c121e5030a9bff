/**
 * The typed event map: the payload (`d`) of every dispatch type in reference §6, with field names as
 * on the wire. All ids are strings (uint64 values would lose precision in JS, reference §2.1).
 * Payload shapes are checked against ../shared/protocol/samples in test/protocol/events.test.ts.
 */

/** A QQ user as guild events show them (reference §6.3; [BOTGO] dto/user.go). */
export interface User {
  id: string;
  username?: string;
  avatar?: string;
  bot?: boolean;
  union_openid?: string;
  union_user_account?: string;
}

/** A guild member (reference §6.3). */
export interface Member {
  joined_at?: string;
  nick?: string;
  roles?: string[];
  user?: User;
}

/** A file, image, voice or video attached to a message (reference §6.3; samples c2c_message_create.webhook.captured.json). */
export interface MessageAttachment {
  content_type?: string;
  filename?: string;
  height?: number;
  width?: number;
  size?: number;
  url: string;
  content?: string;
}

/** Where a C2C/group message came from; `ext` may hold `msg_idx=REFIDX_…` for quoting (reference §6.3). */
export interface MessageScene {
  source?: string;
  callback_data?: string;
  ext?: string[];
}

/** C2C_MESSAGE_CREATE (reference §6.3; samples c2c_message_create.*). */
export interface C2CMessage {
  /** The message id: `msg_id` for passive replies. */
  id: string;
  author: { id?: string; user_openid: string; union_openid?: string };
  content: string;
  /** RFC 3339. */
  timestamp: string;
  attachments?: MessageAttachment[];
  message_scene?: MessageScene;
  /** 0 text, 3 seen for a contact card; semantics UNCONFIRMED (reference Appendix A.10). */
  message_type?: number;
}

/** A mention inside a group message (newer payloads, reference §6.3). */
export interface GroupMention {
  bot?: boolean;
  id?: string;
  is_you?: boolean;
  member_openid?: string;
  scope?: string;
  username?: string;
}

/** GROUP_AT_MESSAGE_CREATE and GROUP_MESSAGE_CREATE (reference §6.3; samples group_at_message_create.*). */
export interface GroupMessage {
  id: string;
  author: { id?: string; member_openid: string; union_openid?: string };
  /** Usually begins with a space where the @ was stripped. */
  content: string;
  timestamp: string;
  group_openid: string;
  group_id?: string;
  attachments?: MessageAttachment[];
  message_scene?: MessageScene;
  message_type?: number;
  mentions?: GroupMention[];
}

/** A guild message: AT_MESSAGE_CREATE, MESSAGE_CREATE, DIRECT_MESSAGE_CREATE (reference §6.3; samples at_message_create.d.docs.json). */
export interface GuildMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  content?: string;
  timestamp: string;
  edited_timestamp?: string;
  mention_everyone?: boolean;
  author: User;
  member?: Member;
  attachments?: MessageAttachment[];
  embeds?: unknown[];
  mentions?: User[];
  ark?: unknown;
  seq?: number;
  seq_in_channel?: string;
  message_reference?: { message_id: string; ignore_get_message_error?: boolean };
}

/** DIRECT_MESSAGE_CREATE: a guild message with DM fields (reference §6.3; sample direct_message_create.d.docs.json). */
export interface DirectMessage extends GuildMessage {
  direct_message?: boolean;
  src_guild_id?: string;
}

/** MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE, DIRECT_MESSAGE_DELETE ([BOTGO] dto/message_delete.go). */
export interface MessageDelete {
  message: { id: string; channel_id: string; guild_id: string; author?: User; direct_message?: boolean; src_guild_id?: string };
  op_user?: { id: string };
}

/** GUILD_CREATE / UPDATE / DELETE (reference §6.1; [BOTGO] dto/guild.go). */
export interface Guild {
  id: string;
  name?: string;
  icon?: string;
  owner_id?: string;
  owner?: boolean;
  member_count?: number;
  max_members?: number;
  description?: string;
  joined_at?: string;
  op_user_id?: string;
}

/** CHANNEL_CREATE / UPDATE / DELETE (reference §6.1; [BOTGO] dto/channel.go). */
export interface Channel {
  id: string;
  guild_id: string;
  name?: string;
  type?: number;
  sub_type?: number;
  position?: number;
  parent_id?: string;
  owner_id?: string;
  op_user_id?: string;
}

/** GUILD_MEMBER_ADD / UPDATE / REMOVE (reference §6.1). */
export interface GuildMemberEvent extends Member {
  guild_id: string;
  op_user_id?: string;
}

/** MESSAGE_REACTION_ADD / REMOVE ([BOTGO] dto/reaction.go). */
export interface MessageReaction {
  user_id: string;
  guild_id: string;
  channel_id: string;
  target: { id: string; type: number | string };
  emoji: { id: string; type: number };
}

/** GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT, GROUP_MSG_RECEIVE (reference §6.3; samples group_*.webhook.captured.json). */
export interface GroupLifecycle {
  group_openid: string;
  op_member_openid: string;
  /** Unix seconds. */
  timestamp: number;
}

/** FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT, C2C_MSG_RECEIVE (reference §6.3; samples friend_*, c2c_msg_*). */
export interface FriendLifecycle {
  openid: string;
  timestamp: number;
  author?: { union_openid?: string };
}

/** GROUP_MEMBER_ADD / REMOVE (NoneBot; reference §6.1, bit UNCONFIRMED). */
export interface GroupMemberLifecycle {
  group_openid: string;
  member_openid: string;
  timestamp: number;
}

/** ENTER_AIO (botgo only, UNCONFIRMED). */
export interface EnterAio {
  user_openid: string;
  from_source?: string;
}

/** SUBSCRIBE_MESSAGE_STATUS (botgo only). */
export interface SubscribeMessageStatus {
  [field: string]: unknown;
}

/** INTERACTION_CREATE (reference §6.3; samples interaction_create.*). */
export interface Interaction {
  /** The interaction id, for `PUT /interactions/{id}`. */
  id: string;
  /** 11 message button, 12 C2C quick menu (13, 14 seen in botgo). */
  type: number;
  scene?: 'c2c' | 'group' | 'guild';
  /** 0 guild, 1 group, 2 C2C. */
  chat_type?: number;
  timestamp?: string;
  guild_id?: string;
  channel_id?: string;
  user_openid?: string;
  group_openid?: string;
  group_member_openid?: string;
  application_id?: string;
  version?: number;
  data: {
    type: number;
    resolved: {
      button_data?: string;
      button_id?: string;
      user_id?: string;
      feature_id?: string;
      message_id?: string;
      checked?: number;
      feedback_opt?: string;
    };
  };
}

/** MESSAGE_AUDIT_PASS / REJECT ([BOTGO] dto/message_audit.go). */
export interface MessageAudit {
  audit_id: string;
  message_id?: string;
  guild_id: string;
  channel_id: string;
  audit_time?: string;
  create_time?: string;
  seq_in_channel?: string;
}

/** FORUM_* and OPEN_FORUM_* events ([BOTGO] dto/forum.go); the body is thread/post/reply specific. */
export interface ForumEvent {
  guild_id: string;
  channel_id: string;
  author_id: string;
  thread_info?: { thread_id?: string; title?: string; content?: string; date_time?: string };
  post_info?: { thread_id?: string; post_id?: string; content?: string; date_time?: string };
  reply_info?: { thread_id?: string; post_id?: string; reply_id?: string; content?: string; date_time?: string };
  [field: string]: unknown;
}

/** FORUM_PUBLISH_AUDIT_RESULT ([BOTGO] dto/forum.go). */
export interface ForumAuditResult {
  guild_id: string;
  channel_id: string;
  author_id: string;
  thread_id?: string;
  post_id?: string;
  reply_id?: string;
  type?: number;
  result?: number;
  err_msg?: string;
}

/** AUDIO_START / FINISH / ON_MIC / OFF_MIC ([BOTGO] dto/audio.go). */
export interface AudioAction {
  guild_id: string;
  channel_id: string;
  audio_url?: string;
  text?: string;
}

/** AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / EXIT (botpy/satori; reference §6.1). */
export interface AudioLiveMember {
  guild_id: string;
  channel_id: string;
  channel_type?: number;
  user_id: string;
}

/** Every known dispatch type and its payload. */
export interface QQEventMap {
  GUILD_CREATE: Guild;
  GUILD_UPDATE: Guild;
  GUILD_DELETE: Guild;
  CHANNEL_CREATE: Channel;
  CHANNEL_UPDATE: Channel;
  CHANNEL_DELETE: Channel;
  GUILD_MEMBER_ADD: GuildMemberEvent;
  GUILD_MEMBER_UPDATE: GuildMemberEvent;
  GUILD_MEMBER_REMOVE: GuildMemberEvent;
  MESSAGE_CREATE: GuildMessage;
  MESSAGE_DELETE: MessageDelete;
  MESSAGE_REACTION_ADD: MessageReaction;
  MESSAGE_REACTION_REMOVE: MessageReaction;
  DIRECT_MESSAGE_CREATE: DirectMessage;
  DIRECT_MESSAGE_DELETE: MessageDelete;
  OPEN_FORUM_THREAD_CREATE: ForumEvent;
  OPEN_FORUM_THREAD_UPDATE: ForumEvent;
  OPEN_FORUM_THREAD_DELETE: ForumEvent;
  OPEN_FORUM_POST_CREATE: ForumEvent;
  OPEN_FORUM_POST_DELETE: ForumEvent;
  OPEN_FORUM_REPLY_CREATE: ForumEvent;
  OPEN_FORUM_REPLY_DELETE: ForumEvent;
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: AudioLiveMember;
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: AudioLiveMember;
  ENTER_AIO: EnterAio;
  GROUP_MEMBER_ADD: GroupMemberLifecycle;
  GROUP_MEMBER_REMOVE: GroupMemberLifecycle;
  C2C_MESSAGE_CREATE: C2CMessage;
  FRIEND_ADD: FriendLifecycle;
  FRIEND_DEL: FriendLifecycle;
  C2C_MSG_REJECT: FriendLifecycle;
  C2C_MSG_RECEIVE: FriendLifecycle;
  GROUP_AT_MESSAGE_CREATE: GroupMessage;
  /** Grey-release: every group message, no @ needed (reference §6.1; intent bit UNCONFIRMED). */
  GROUP_MESSAGE_CREATE: GroupMessage;
  GROUP_ADD_ROBOT: GroupLifecycle;
  GROUP_DEL_ROBOT: GroupLifecycle;
  GROUP_MSG_REJECT: GroupLifecycle;
  GROUP_MSG_RECEIVE: GroupLifecycle;
  SUBSCRIBE_MESSAGE_STATUS: SubscribeMessageStatus;
  INTERACTION_CREATE: Interaction;
  MESSAGE_AUDIT_PASS: MessageAudit;
  MESSAGE_AUDIT_REJECT: MessageAudit;
  FORUM_THREAD_CREATE: ForumEvent;
  FORUM_THREAD_UPDATE: ForumEvent;
  FORUM_THREAD_DELETE: ForumEvent;
  FORUM_POST_CREATE: ForumEvent;
  FORUM_POST_DELETE: ForumEvent;
  FORUM_REPLY_CREATE: ForumEvent;
  FORUM_REPLY_DELETE: ForumEvent;
  FORUM_PUBLISH_AUDIT_RESULT: ForumAuditResult;
  AUDIO_START: AudioAction;
  AUDIO_FINISH: AudioAction;
  AUDIO_ON_MIC: AudioAction;
  AUDIO_OFF_MIC: AudioAction;
  AT_MESSAGE_CREATE: GuildMessage;
  PUBLIC_MESSAGE_DELETE: MessageDelete;
}

export type QQEventType = keyof QQEventMap;

const eventTypeRecord: Record<QQEventType, true> = {
  GUILD_CREATE: true, GUILD_UPDATE: true, GUILD_DELETE: true, CHANNEL_CREATE: true, CHANNEL_UPDATE: true, CHANNEL_DELETE: true,
  GUILD_MEMBER_ADD: true, GUILD_MEMBER_UPDATE: true, GUILD_MEMBER_REMOVE: true, MESSAGE_CREATE: true, MESSAGE_DELETE: true,
  MESSAGE_REACTION_ADD: true, MESSAGE_REACTION_REMOVE: true, DIRECT_MESSAGE_CREATE: true, DIRECT_MESSAGE_DELETE: true,
  OPEN_FORUM_THREAD_CREATE: true, OPEN_FORUM_THREAD_UPDATE: true, OPEN_FORUM_THREAD_DELETE: true, OPEN_FORUM_POST_CREATE: true,
  OPEN_FORUM_POST_DELETE: true, OPEN_FORUM_REPLY_CREATE: true, OPEN_FORUM_REPLY_DELETE: true,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: true, AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: true, ENTER_AIO: true,
  GROUP_MEMBER_ADD: true, GROUP_MEMBER_REMOVE: true, C2C_MESSAGE_CREATE: true, FRIEND_ADD: true, FRIEND_DEL: true,
  C2C_MSG_REJECT: true, C2C_MSG_RECEIVE: true, GROUP_AT_MESSAGE_CREATE: true, GROUP_MESSAGE_CREATE: true, GROUP_ADD_ROBOT: true,
  GROUP_DEL_ROBOT: true, GROUP_MSG_REJECT: true, GROUP_MSG_RECEIVE: true, SUBSCRIBE_MESSAGE_STATUS: true, INTERACTION_CREATE: true,
  MESSAGE_AUDIT_PASS: true, MESSAGE_AUDIT_REJECT: true, FORUM_THREAD_CREATE: true, FORUM_THREAD_UPDATE: true,
  FORUM_THREAD_DELETE: true, FORUM_POST_CREATE: true, FORUM_POST_DELETE: true, FORUM_REPLY_CREATE: true, FORUM_REPLY_DELETE: true,
  FORUM_PUBLISH_AUDIT_RESULT: true, AUDIO_START: true, AUDIO_FINISH: true, AUDIO_ON_MIC: true, AUDIO_OFF_MIC: true,
  AT_MESSAGE_CREATE: true, PUBLIC_MESSAGE_DELETE: true,
};

/** Every known event type, at run time (the same keys as `QQEventMap`). */
export const qqEventTypes = Object.keys(eventTypeRecord) as readonly QQEventType[];

export function isQQEventType(type: string): type is QQEventType {
  return Object.prototype.hasOwnProperty.call(eventTypeRecord, type);
}

/** The envelope every delivered event has. */
export interface QQEvent<T extends string = string, D = unknown> {
  /** The dispatch type (`t`). */
  type: T;
  /** The envelope event id (`id`), when the platform sent one. */
  id: string | null;
  /** The gateway sequence number (`s`); null over webhooks. */
  seq: number | null;
  shard: number;
  /** The payload (`d`). */
  data: D;
  /** ms since epoch when the bot received it. */
  receivedAt: number;
}

export type EventOf<K extends QQEventType> = QQEvent<K, QQEventMap[K]>;

/** Every known event, discriminated by `type`. */
export type KnownQQEvent = { [K in QQEventType]: EventOf<K> }[QQEventType];

/**
 * An event type this version does not know yet. It is still delivered, with `data: unknown`.
 * Its `type` is branded so that narrowing `AnyQQEvent` on a known literal still works: after
 * `if (event.type === 'C2C_MESSAGE_CREATE')`, `event.data` is `C2CMessage`.
 */
export type UnknownEventType = string & { readonly __unknownEventType: true };
export type UnknownQQEvent = QQEvent<UnknownEventType, unknown>;

/** What `bot.events$` carries. */
export type AnyQQEvent = KnownQQEvent | UnknownQQEvent;
