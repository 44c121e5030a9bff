/**
 * Longer than ~350 lines on purpose: one interface per payload of reference §6, and the map that names them all;
 * split, the map would import from a dozen files and a reader would lose the one-page view of the wire.
 *
 * The typed event map: the payload (`d`) of every dispatch type (`t`) in reference §6, field names
 * exactly as on the wire (snake_case).
 *
 * Conventions:
 * - Every id is a `string` (uint64 values would lose precision in JS, reference §2.1).
 * - A field is optional when the captures or docs show it only sometimes; required fields are the
 *   ones every sample and every doc table carries.
 * - `timestamp` is an RFC 3339 string on messages and interactions, Unix seconds (`number`) on the
 *   group/friend lifecycle events (samples `*.webhook.captured.json`).
 * - The event type list is the union of `intentTable` (./intents.ts) plus the grey-release
 *   `GROUP_MESSAGE_CREATE`. READY and RESUMED are connection events, not user events, and are absent.
 *
 * Payload shapes are checked against `../shared/protocol/samples` in test/protocol/events.test.ts;
 * the type-level guarantees (narrowing on `type`) are in test/protocol/events-types.test.ts.
 */

// ───────────────────────────── shared sub-types ─────────────────────────────

/** A QQ user as guild events show them (reference §6.3; [BOTGO] dto/user.go; samples at_message_create.d.docs.json). */
export interface User {
  id: string;
  username?: string;
  avatar?: string;
  bot?: boolean;
  union_openid?: string;
  union_user_account?: string;
}

/** A guild member; on messages only some fields are present (reference §6.3; [BOTGO] dto/member.go; sample at_message_create.d.docs.json). */
export interface Member {
  /** RFC 3339. */
  joined_at?: string;
  nick?: string;
  roles?: string[];
  user?: User;
}

/** A file, image, voice or video attached to a message (reference §6.3; sample c2c_message_create.webhook.captured.json). */
export interface MessageAttachment {
  url: string;
  content_type?: string;
  filename?: string;
  height?: number;
  width?: number;
  size?: number;
  /** Seen as `""` in a C2C image capture; not in the docs table. */
  content?: string;
}

/**
 * Where a C2C/group message came from (reference §6.3; samples c2c_message_create.webhook.captured*.json).
 * `ext` may hold `"msg_idx=REFIDX_…"`, the id to quote the message by.
 */
export interface MessageScene {
  source?: string;
  callback_data?: string;
  ext?: string[];
}

/** A quoted message on a guild message ([BOTGO] dto/message_create.go `MessageReference`). */
export interface GuildMessageReference {
  message_id: string;
  ignore_get_message_error?: boolean;
}

// ───────────────────────────── C2C and group messages ─────────────────────────────

/** The sender of a C2C message. `id` and `union_openid` appear in captures only (reference §6.3). */
export interface C2CAuthor {
  user_openid: string;
  /** Equal to `user_openid` in captures. */
  id?: string;
  union_openid?: string;
}

/** C2C_MESSAGE_CREATE (reference §6.3; samples c2c_message_create.ws.docs.json, c2c_message_create.webhook.captured*.json). */
export interface C2CMessage {
  /** The message id: `msg_id` for passive replies. */
  id: string;
  author: C2CAuthor;
  /** `""` for an attachment-only message (capture). */
  content: string;
  /** RFC 3339, e.g. `2025-02-15T16:32:42+08:00`. */
  timestamp: string;
  attachments?: MessageAttachment[];
  message_scene?: MessageScene;
  /** 0 text, 3 seen for a shared contact card; semantics UNCONFIRMED (reference Appendix A.10). */
  message_type?: number;
}

/** The sender of a group message. `id` and `union_openid` appear in captures only (reference §6.3). */
export interface GroupAuthor {
  member_openid: string;
  /** Equal to `member_openid` in captures. */
  id?: string;
  union_openid?: string;
}

/** A mention inside a group message (newer payloads; reference §6.3, [NONEBOT] commit 3d7b8d3, [QQBOT-NODEJS] types.ts). */
export interface GroupMention {
  bot?: boolean;
  id?: string;
  is_you?: boolean;
  member_openid?: string;
  scope?: string;
  username?: string;
}

/**
 * GROUP_AT_MESSAGE_CREATE, and GROUP_MESSAGE_CREATE (grey release, same shape)
 * (reference §6.3; samples group_at_message_create.ws.docs.json, group_at_message_create.webhook.captured*.json).
 */
export interface GroupMessage {
  /** The message id: `msg_id` for passive replies. */
  id: string;
  author: GroupAuthor;
  /** Usually begins with a space where the @ was stripped (`" 123"`). */
  content: string;
  /** RFC 3339. */
  timestamp: string;
  group_openid: string;
  /** Equal to `group_openid` in captures. */
  group_id?: string;
  attachments?: MessageAttachment[];
  message_scene?: MessageScene;
  /** 0 text; semantics UNCONFIRMED (reference Appendix A.10). */
  message_type?: number;
  mentions?: GroupMention[];
}

// ───────────────────────────── guild messages ─────────────────────────────

/**
 * A guild message: AT_MESSAGE_CREATE, MESSAGE_CREATE (and the base of DIRECT_MESSAGE_CREATE)
 * (reference §6.3; [BOTGO] dto/message.go; [BOTPY] types/gateway.py; sample at_message_create.d.docs.json).
 * Delivery order is not guaranteed: sort by `seq` if order matters.
 */
export interface GuildMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  /** In every docs sample; no real capture exists, and the platform omits empty fields elsewhere, so treat it as optional. */
  content?: string;
  /** RFC 3339. */
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
  message_reference?: GuildMessageReference;
}

/** DIRECT_MESSAGE_CREATE: a guild message plus the DM fields (reference §6.3; sample direct_message_create.d.docs.json). */
export interface DirectMessage extends GuildMessage {
  direct_message?: boolean;
  /** The guild the DM session was started from. */
  src_guild_id?: string;
}

/** The message inside a delete event ([BOTGO] dto/message_delete.go; [BOTPY] types/message.py `DeletedMessage`). */
export interface DeletedMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  author?: User;
  direct_message?: boolean;
  src_guild_id?: string;
}

/** MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE, DIRECT_MESSAGE_DELETE ([BOTGO] dto/message_delete.go; [BOTPY] `DeletedMessageInfo`). */
export interface MessageDelete {
  message: DeletedMessage;
  /** Who deleted it. */
  op_user?: { id: string };
}

// ───────────────────────────── guilds, channels, members ─────────────────────────────

/** GUILD_CREATE / GUILD_UPDATE / GUILD_DELETE (reference §6.1; [BOTGO] dto/guild.go; [BOTPY] types/guild.py). */
export interface Guild {
  id: string;
  name?: string;
  icon?: string;
  owner_id?: string;
  owner?: boolean;
  member_count?: number;
  max_members?: number;
  description?: string;
  /** RFC 3339. */
  joined_at?: string;
  /** Who triggered the change (event-only field). */
  op_user_id?: string;
}

/** CHANNEL_CREATE / CHANNEL_UPDATE / CHANNEL_DELETE (reference §6.1; [BOTGO] dto/channel.go). */
export interface Channel {
  id: string;
  guild_id: string;
  name?: string;
  /** 0 text, 2 voice, 4 category, 5 live, 6 application ([BOTGO] `ChannelType`). */
  type?: number;
  sub_type?: number;
  position?: number;
  parent_id?: string;
  owner_id?: string;
  /** Who triggered the change (event-only field). */
  op_user_id?: string;
}

/** GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE / GUILD_MEMBER_REMOVE (reference §6.1; [BOTGO] `WSGuildMemberData` = dto/member.go). */
export interface GuildMemberEvent extends Member {
  guild_id: string;
  user: User;
  /** Who triggered the change. */
  op_user_id?: string;
}

// ───────────────────────────── reactions ─────────────────────────────

/** What a reaction was put on ([BOTGO] dto/message_reaction.go; [BOTPY] types/reaction.py). */
export interface ReactionTarget {
  id: string;
  /** 0 message, 1 thread, 2 comment, 3 reply. botpy types it int, botgo string: both are accepted. */
  type: number | string;
}

/** The emoji of a reaction ([BOTGO] dto/emoji.go). */
export interface ReactionEmoji {
  id: string;
  /** 1 system emoji, 2 emoji character. */
  type: number;
}

/** MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE ([BOTGO] dto/message_reaction.go; [BOTPY] types/reaction.py). */
export interface MessageReaction {
  user_id: string;
  guild_id: string;
  channel_id: string;
  target: ReactionTarget;
  emoji: ReactionEmoji;
}

// ───────────────────────────── group / friend lifecycle ─────────────────────────────

/**
 * GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT, GROUP_MSG_RECEIVE
 * (reference §6.3; samples group_add_robot.ws.docs.json, group_*.webhook.captured.json).
 */
export interface GroupLifecycle {
  group_openid: string;
  /** The member who added/removed the bot or switched its messages on/off. */
  op_member_openid: string;
  /** Unix seconds. */
  timestamp: number;
}

/**
 * FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT, C2C_MSG_RECEIVE
 * (reference §6.3; samples friend_add.ws.docs.json, friend_*.webhook.captured.json, c2c_msg_*.webhook.captured.json).
 */
export interface FriendLifecycle {
  /** The user's openid (the `user_openid` of their C2C messages). */
  openid: string;
  /** Unix seconds. */
  timestamp: number;
  /** Seen on FRIEND_ADD/FRIEND_DEL captures only. */
  author?: { union_openid?: string };
}

/**
 * GROUP_MEMBER_ADD / GROUP_MEMBER_REMOVE (reference §6.1: [NONEBOT] and a field log in nonebot/adapter-qq PR #210;
 * intent bit and payload UNCONFIRMED in the docs).
 */
export interface GroupMemberLifecycle {
  group_openid: string;
  member_openid: string;
  /** Unix seconds. */
  timestamp: number;
}

/** ENTER_AIO: a user opened the chat window with the bot (reference §6.1; [BOTGO] dto/enter_aio.go only, UNCONFIRMED). */
export interface EnterAio {
  user_openid: string;
  from_source?: string;
}

/** One template in a SUBSCRIBE_MESSAGE_STATUS event ([BOTGO] dto/subscribe.go `SubscribeMsgTemplateResult`). */
export interface SubscribeTemplateResult {
  /** An official template id: a JSON number on the wire ([BOTGO] `int`). */
  template_id?: number;
  custom_template_id?: string;
  /** 1 allowed, 2 refused. */
  op: number;
  subscribe_id?: string;
  /** Unix timestamp of the change. */
  update_ts?: number;
}

/** SUBSCRIBE_MESSAGE_STATUS: a user or group changed a subscription-template authorisation (reference §6.1; [BOTGO] dto/subscribe.go only). */
export interface SubscribeMessageStatus {
  /** Set for a group subscription. */
  group_openid?: string;
  /** Set for a user subscription. */
  openid?: string;
  result: SubscribeTemplateResult[];
}

// ───────────────────────────── interactions ─────────────────────────────

/**
 * `data.resolved` of an interaction: which fields are present depends on `data.type` and the scene
 * (reference §6.3; [DOCS] msg-btn.md; [BOTGO] dto/interaction.go; [FIELD] nonebot/adapter-qq PR #126 for 13).
 */
export interface InteractionResolved {
  /** The button's `action.data`. */
  button_data?: string;
  /** The button's `id`. */
  button_id?: string;
  /** Guild scene: the user's id. */
  user_id?: string;
  /** C2C quick menu: the menu item id. */
  feature_id?: string;
  /** Guild scene: the message the button was on. */
  message_id?: string;
  /** Type 13 (agent message feedback). */
  checked?: number;
  /** Type 13: e.g. `"LIKE"`. */
  feedback_opt?: string;
}

/** `data` of an interaction ([BOTGO] dto/interaction.go `InteractionData`). */
export interface InteractionData {
  /** 9 chat search, 11 message button, 12 C2C menu, 13 agent feedback, 14 clear session. */
  type: number;
  name?: string;
  resolved: InteractionResolved;
}

/** INTERACTION_CREATE (reference §6.3; samples interaction_create.ws.docs.json, interaction_create.d.docs.json). */
export interface Interaction {
  /** The interaction id, for `PUT /interactions/{id}`. To reply by message, use the envelope id as `event_id`. */
  id: string;
  /** 11 message button, 12 C2C quick menu (13, 14 seen in botgo). */
  type: number;
  data: InteractionData;
  /** In the docs table; absent from both docs samples. */
  scene?: 'c2c' | 'group' | 'guild';
  /** 0 guild, 1 group, 2 C2C. */
  chat_type?: number;
  /** RFC 3339 ([DOCS] msg-btn.md table); absent from both docs samples. */
  timestamp?: string;
  /** Guild scene. */
  guild_id?: string;
  /** Guild scene. */
  channel_id?: string;
  /** C2C scene. */
  user_openid?: string;
  /** Group scene. */
  group_openid?: string;
  /** Group scene: who pressed the button. */
  group_member_openid?: string;
  /** Only in the pre-2024-07 docs sample ([DOCS-2024-07]). */
  application_id?: string;
  /** 1. */
  version?: number;
}

// ───────────────────────────── audit, forums, audio ─────────────────────────────

/** MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT (reference §6.1; [BOTGO] dto/message_audit.go; [BOTPY] `MessageAuditPayload`). */
export interface MessageAudit {
  audit_id: string;
  /** Set on PASS: the id of the message that was finally sent. */
  message_id?: string;
  guild_id: string;
  channel_id: string;
  /** RFC 3339. */
  audit_time?: string;
  /** RFC 3339. */
  create_time?: string;
  seq_in_channel?: string;
}

/**
 * The thread body of a forum event. `title` and `content` are JSON-encoded rich text on the wire
 * ([BOTPY] forum.py parses them with `json.loads`; [DOCS-V1] forum/model.md describes the decoded form).
 */
export interface ForumThreadInfo {
  thread_id: string;
  title: string;
  content: string;
  /** RFC 3339. */
  date_time: string;
}

/** The post (comment on a thread) body of a forum event ([BOTPY] types/forum.py `PostInfo`). */
export interface ForumPostInfo {
  thread_id: string;
  post_id: string;
  /** JSON-encoded rich text. */
  content: string;
  date_time: string;
}

/** The reply (to a post) body of a forum event ([BOTPY] types/forum.py `ReplyInfo`). */
export interface ForumReplyInfo {
  thread_id: string;
  post_id: string;
  reply_id: string;
  /** JSON-encoded rich text. */
  content: string;
  date_time: string;
}

/** FORUM_THREAD_CREATE / UPDATE / DELETE (reference §6.1; [BOTPY] types/forum.py `Thread`; [DOCS-V1] forum/model.md). */
export interface ForumThread {
  guild_id: string;
  channel_id: string;
  author_id: string;
  thread_info: ForumThreadInfo;
}

/** FORUM_POST_CREATE / DELETE (reference §6.1; [BOTPY] types/forum.py `Post`). */
export interface ForumPost {
  guild_id: string;
  channel_id: string;
  author_id: string;
  post_info: ForumPostInfo;
}

/** FORUM_REPLY_CREATE / DELETE (reference §6.1; [BOTPY] types/forum.py `Reply`). */
export interface ForumReply {
  guild_id: string;
  channel_id: string;
  author_id: string;
  reply_info: ForumReplyInfo;
}

/** Any private-forum (FORUMS_EVENT) content event. */
export type ForumEvent = ForumThread | ForumPost | ForumReply;

/** FORUM_PUBLISH_AUDIT_RESULT (reference §6.1; [BOTPY] types/forum.py `AuditResult`). */
export interface ForumAuditResult {
  guild_id: string;
  channel_id: string;
  author_id: string;
  thread_id?: string;
  post_id?: string;
  reply_id?: string;
  /** 1 thread, 2 post, 3 reply. */
  type?: number;
  /** 0 passed, 1 rejected. */
  result?: number;
  err_msg?: string;
}

/** OPEN_FORUM_* (public forum) events: ids only, no content (reference §6.1; [BOTPY] types/forum.py `OpenForumEvent`). */
export interface OpenForumEvent {
  guild_id: string;
  channel_id: string;
  author_id: string;
}

/** AUDIO_START / AUDIO_FINISH / AUDIO_ON_MIC / AUDIO_OFF_MIC (reference §6.1; [BOTGO] dto/audio.go; [BOTPY] types/audio.py). */
export interface AudioAction {
  guild_id: string;
  channel_id: string;
  audio_url?: string;
  text?: string;
}

/** AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / EXIT (reference §6.1; [BOTPY] `PublicAudio`; bit UNCONFIRMED in the docs). */
export interface AudioLiveMember {
  guild_id: string;
  channel_id: string;
  /** 2 voice channel, 5 live channel. */
  channel_type?: number;
  user_id: string;
}

// ───────────────────────────── the map ─────────────────────────────

/** Every known dispatch type (`t`) and its payload (`d`). Grouped by intent, in `intentTable` order. */
export interface QQEventMap {
  // GUILDS (1<<0)
  GUILD_CREATE: Guild;
  GUILD_UPDATE: Guild;
  GUILD_DELETE: Guild;
  CHANNEL_CREATE: Channel;
  CHANNEL_UPDATE: Channel;
  CHANNEL_DELETE: Channel;
  // GUILD_MEMBERS (1<<1)
  GUILD_MEMBER_ADD: GuildMemberEvent;
  GUILD_MEMBER_UPDATE: GuildMemberEvent;
  GUILD_MEMBER_REMOVE: GuildMemberEvent;
  // GUILD_MESSAGES (1<<9, private bots only)
  MESSAGE_CREATE: GuildMessage;
  MESSAGE_DELETE: MessageDelete;
  // GUILD_MESSAGE_REACTIONS (1<<10)
  MESSAGE_REACTION_ADD: MessageReaction;
  MESSAGE_REACTION_REMOVE: MessageReaction;
  // DIRECT_MESSAGE (1<<12)
  DIRECT_MESSAGE_CREATE: DirectMessage;
  DIRECT_MESSAGE_DELETE: MessageDelete;
  // OPEN_FORUMS_EVENT (1<<18, bit UNCONFIRMED)
  OPEN_FORUM_THREAD_CREATE: OpenForumEvent;
  OPEN_FORUM_THREAD_UPDATE: OpenForumEvent;
  OPEN_FORUM_THREAD_DELETE: OpenForumEvent;
  OPEN_FORUM_POST_CREATE: OpenForumEvent;
  OPEN_FORUM_POST_DELETE: OpenForumEvent;
  OPEN_FORUM_REPLY_CREATE: OpenForumEvent;
  OPEN_FORUM_REPLY_DELETE: OpenForumEvent;
  // AUDIO_OR_LIVE_CHANNEL_MEMBER (1<<19, bit UNCONFIRMED)
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: AudioLiveMember;
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: AudioLiveMember;
  // ENTER_AIO (1<<23, UNCONFIRMED)
  ENTER_AIO: EnterAio;
  // GROUP_MEMBERS (1<<24, UNCONFIRMED)
  GROUP_MEMBER_ADD: GroupMemberLifecycle;
  GROUP_MEMBER_REMOVE: GroupMemberLifecycle;
  // GROUP_AND_C2C_EVENT (1<<25)
  C2C_MESSAGE_CREATE: C2CMessage;
  FRIEND_ADD: FriendLifecycle;
  FRIEND_DEL: FriendLifecycle;
  C2C_MSG_REJECT: FriendLifecycle;
  C2C_MSG_RECEIVE: FriendLifecycle;
  GROUP_AT_MESSAGE_CREATE: GroupMessage;
  GROUP_ADD_ROBOT: GroupLifecycle;
  GROUP_DEL_ROBOT: GroupLifecycle;
  GROUP_MSG_REJECT: GroupLifecycle;
  GROUP_MSG_RECEIVE: GroupLifecycle;
  SUBSCRIBE_MESSAGE_STATUS: SubscribeMessageStatus;
  // INTERACTION (1<<26)
  INTERACTION_CREATE: Interaction;
  // MESSAGE_AUDIT (1<<27)
  MESSAGE_AUDIT_PASS: MessageAudit;
  MESSAGE_AUDIT_REJECT: MessageAudit;
  // FORUMS_EVENT (1<<28, private bots only)
  FORUM_THREAD_CREATE: ForumThread;
  FORUM_THREAD_UPDATE: ForumThread;
  FORUM_THREAD_DELETE: ForumThread;
  FORUM_POST_CREATE: ForumPost;
  FORUM_POST_DELETE: ForumPost;
  FORUM_REPLY_CREATE: ForumReply;
  FORUM_REPLY_DELETE: ForumReply;
  FORUM_PUBLISH_AUDIT_RESULT: ForumAuditResult;
  // AUDIO_ACTION (1<<29)
  AUDIO_START: AudioAction;
  AUDIO_FINISH: AudioAction;
  AUDIO_ON_MIC: AudioAction;
  AUDIO_OFF_MIC: AudioAction;
  // PUBLIC_GUILD_MESSAGES (1<<30)
  AT_MESSAGE_CREATE: GuildMessage;
  PUBLIC_MESSAGE_DELETE: MessageDelete;
  // no confirmed intent bit
  /** Grey release: every group message, no @ needed; same shape as GROUP_AT_MESSAGE_CREATE (reference §6.1; intent bit UNCONFIRMED). */
  GROUP_MESSAGE_CREATE: GroupMessage;
}

/** A known dispatch type name. */
export type QQEventType = keyof QQEventMap;

// `Record<QQEventType, true>` makes the compiler reject a missing or an extra key, so the runtime
// list cannot drift from the interface. (test/protocol/events.test.ts ties it to intentTable.)
const eventTypeRecord: Record<QQEventType, true> = {
  GUILD_CREATE: true,
  GUILD_UPDATE: true,
  GUILD_DELETE: true,
  CHANNEL_CREATE: true,
  CHANNEL_UPDATE: true,
  CHANNEL_DELETE: true,
  GUILD_MEMBER_ADD: true,
  GUILD_MEMBER_UPDATE: true,
  GUILD_MEMBER_REMOVE: true,
  MESSAGE_CREATE: true,
  MESSAGE_DELETE: true,
  MESSAGE_REACTION_ADD: true,
  MESSAGE_REACTION_REMOVE: true,
  DIRECT_MESSAGE_CREATE: true,
  DIRECT_MESSAGE_DELETE: true,
  OPEN_FORUM_THREAD_CREATE: true,
  OPEN_FORUM_THREAD_UPDATE: true,
  OPEN_FORUM_THREAD_DELETE: true,
  OPEN_FORUM_POST_CREATE: true,
  OPEN_FORUM_POST_DELETE: true,
  OPEN_FORUM_REPLY_CREATE: true,
  OPEN_FORUM_REPLY_DELETE: true,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: true,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: true,
  ENTER_AIO: true,
  GROUP_MEMBER_ADD: true,
  GROUP_MEMBER_REMOVE: true,
  C2C_MESSAGE_CREATE: true,
  FRIEND_ADD: true,
  FRIEND_DEL: true,
  C2C_MSG_REJECT: true,
  C2C_MSG_RECEIVE: true,
  GROUP_AT_MESSAGE_CREATE: true,
  GROUP_ADD_ROBOT: true,
  GROUP_DEL_ROBOT: true,
  GROUP_MSG_REJECT: true,
  GROUP_MSG_RECEIVE: true,
  SUBSCRIBE_MESSAGE_STATUS: true,
  INTERACTION_CREATE: true,
  MESSAGE_AUDIT_PASS: true,
  MESSAGE_AUDIT_REJECT: true,
  FORUM_THREAD_CREATE: true,
  FORUM_THREAD_UPDATE: true,
  FORUM_THREAD_DELETE: true,
  FORUM_POST_CREATE: true,
  FORUM_POST_DELETE: true,
  FORUM_REPLY_CREATE: true,
  FORUM_REPLY_DELETE: true,
  FORUM_PUBLISH_AUDIT_RESULT: true,
  AUDIO_START: true,
  AUDIO_FINISH: true,
  AUDIO_ON_MIC: true,
  AUDIO_OFF_MIC: true,
  AT_MESSAGE_CREATE: true,
  PUBLIC_MESSAGE_DELETE: true,
  GROUP_MESSAGE_CREATE: true,
};

/** Every known event type, at run time: exactly the keys of `QQEventMap`. */
export const qqEventTypes: readonly QQEventType[] = Object.freeze(Object.keys(eventTypeRecord) as QQEventType[]);

/** Whether `type` is a dispatch type this version knows (READY/RESUMED are not user events: false). */
export function isQQEventType(type: string): type is QQEventType {
  return Object.prototype.hasOwnProperty.call(eventTypeRecord, type);
}

// ───────────────────────────── the envelope ─────────────────────────────

/** The envelope every delivered event has (reference §4.1: `t`, `id`, `s`, `d`). */
export interface QQEvent<T extends string = string, D = unknown> {
  /** The dispatch type (`t`). */
  type: T;
  /** The envelope event id (`id`, e.g. `"GROUP_ADD_ROBOT:…"`), usable as `event_id` (reference §9.3); null when absent. */
  id: string | null;
  /** The gateway sequence number (`s`); null over webhooks, which carry none. */
  seq: number | null;
  /** The shard that delivered it (0 over webhooks). */
  shard: number;
  /** The payload (`d`). */
  data: D;
  /** ms since epoch when the bot received it. */
  receivedAt: number;
}

/** The event of one known type. */
export type EventOf<K extends QQEventType> = QQEvent<K, QQEventMap[K]>;

/** Every known event, discriminated by `type`. */
export type KnownQQEvent = { [K in QQEventType]: EventOf<K> }[QQEventType];

/**
 * The type given to the `type` of an event this version does not know. At run time it is the plain
 * dispatch name string; at the type level it is nominal on purpose.
 *
 * Why not `string`, `string & {}` or `string & { brand }`: TypeScript keeps a union member when its
 * discriminant is *comparable* to the literal tested, and `string` (alone or inside any intersection)
 * is comparable to every string literal. So with such a member in the union,
 * `if (e.type === 'C2C_MESSAGE_CREATE')` leaves the unknown member in, `e.data` becomes
 * `C2CMessage | unknown` = `unknown`, and `e.data.author` no longer compiles. A string-enum literal is
 * the one string subtype that is not comparable to a different literal, so narrowing a known type
 * drops it, while `e.type` is still assignable to `string` and a `switch`'s `default` branch gets
 * `UnknownQQEvent`.
 *
 * The cost: comparing `e.type` with a literal this version does not know is a compile error
 * (TS2367, no overlap). Widen first, `(e.type as string) === 'NEW_EVENT'`, or split with
 * `isKnownQQEvent(e)`. Declared only (`declare enum`), so nothing is emitted, and deliberately not
 * exported as a value.
 */
declare enum UnknownEventTypeTag {
  Unknown = '(an event type this version does not know)',
}
export type UnknownEventType = UnknownEventTypeTag;

/** An event whose type this version does not know yet: still delivered, `data` unknown. See `UnknownEventType`. */
export type UnknownQQEvent = QQEvent<UnknownEventType, unknown>;

/**
 * Every event a bot can deliver: a known one (narrow on `type` to get its payload) or an unknown one.
 *
 * @example
 * ```ts
 * function handle(e: AnyQQEvent) {
 *   if (e.type === 'C2C_MESSAGE_CREATE') console.log(e.data.author.user_openid); // e.data: C2CMessage
 *   if (!isKnownQQEvent(e)) console.log('new event type', e.type, e.data);      // e: UnknownQQEvent
 * }
 * ```
 */
export type AnyQQEvent = KnownQQEvent | UnknownQQEvent;

/** Splits known events from unknown ones (a runtime check of `type` against `qqEventTypes`). */
export function isKnownQQEvent<E extends { type: string }>(event: E): event is Extract<E, { type: QQEventType }> {
  return isQQEventType(event.type);
}
