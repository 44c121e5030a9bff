/**
 * Objects of the guild (频道) REST surface. Shapes follow the QQ docs (bot-docs `openapi/*\/model.md`), botgo
 * `dto/*.go` and botpy `botpy/types/*.py`; ids are strings (uint64 values a JS number would round). Guild APIs work for guild
 * bots only; C2C/group bots have no guilds, channels or members to read.
 */
import type { Channel, Guild, Member } from '../protocol/events.js';
import type { GuildMessage, GuildUser } from './message-types.js';

/** `type`: 0 text, 2 voice, 4 group (category), 10005 live, 10006 app, 10007 forum (botpy `ChannelType`). */
export const ChannelType = { text: 0, voice: 2, category: 4, live: 10005, app: 10006, forum: 10007 } as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

/** A channel as the REST API answers it: the event's `Channel` plus the fields only REST carries. */
export interface GuildChannel extends Channel {
  /** 0 public, 1 managers only, 2 managers + specified members. */
  private_type?: number;
  /** 0 invalid, 1 everyone, 2 managers + specified members. */
  speak_permission?: number;
  application_id?: string;
  /** The bot's permissions in the channel, a bit set as a decimal string. */
  permissions?: string;
}

/** `POST /guilds/{guild_id}/channels`. Needs the private-bot permission; channel management is rate-limited. */
export interface ChannelCreate {
  name: string;
  type: number;
  sub_type?: number;
  position?: number;
  parent_id?: string;
  private_type?: number;
  private_user_ids?: string[];
  speak_permission?: number;
  application_id?: string;
}

/** `PATCH /channels/{channel_id}`: any subset. */
export interface ChannelUpdate {
  name?: string;
  position?: number;
  parent_id?: string;
  private_type?: number;
  speak_permission?: number;
}

/** Channel permission bits (QQ docs openapi/channel_permissions/model.md): a decimal string of their sum. */
export const ChannelPermission = { view: 1, manage: 2, speak: 4, live: 8 } as const;

export interface ChannelPermissions {
  channel_id: string;
  user_id?: string;
  role_id?: string;
  /** Bit set as a decimal string, e.g. `"5"` = view + speak. */
  permissions: string;
}

/** `PUT …/permissions` body: bits to add and bits to remove, decimal strings. */
export interface ChannelPermissionsUpdate {
  add?: string;
  remove?: string;
}

export interface MemberListOptions {
  /** The last user id of the previous page; `'0'` for the first. */
  after?: string;
  /** 1–400. Default 1 (the platform's default). */
  limit?: number;
}

export interface RoleMemberListOptions {
  /** `next` of the previous page; `'0'` for the first. */
  start_index?: string;
  /** 1–400. */
  limit?: number;
}

export interface RoleMemberList {
  data: Member[];
  /** Pass as `start_index` for the next page. */
  next: string;
}

export interface MemberRemoveOptions {
  /** Also blacklist the member. */
  add_blacklist?: boolean;
  /** Recall their messages of the last 3, 7, 15 or 30 days; -1 all; 0 none (default). */
  delete_history_msg_days?: 0 | 3 | 7 | 15 | 30 | -1;
}

/** System role ids: 1 everyone, 2 admin, 4 owner, 5 channel admin (QQ docs openapi/guild/role_model.md). */
export const SystemRoleId = { everyone: '1', admin: '2', owner: '4', channelAdmin: '5' } as const;

export interface Role {
  id: string;
  name: string;
  /** ARGB as a decimal number. */
  color: number;
  /** 1 = shown separately in the member list. */
  hoist: number;
  number?: number;
  member_limit?: number;
}

export interface GuildRoles {
  guild_id: string;
  roles: Role[];
  role_num_limit: string;
}

export interface RoleInput {
  name?: string;
  color?: number;
  hoist?: 0 | 1;
}

export interface RoleCreateResult {
  role_id: string;
  role: Role;
}

export interface RoleUpdateResult {
  guild_id: string;
  role_id: string;
  role: Role;
}

/**
 * A mute: for `mute_seconds`, or until `mute_end_timestamp` (an absolute time, seconds since 1970 per the QQ docs;
 * botpy's docstring says milliseconds, so the unit is UNCONFIRMED: prefer `mute_seconds`). Numbers are sent as
 * strings, as the platform expects. `{ mute_seconds: 0 }` lifts a mute.
 */
export interface MuteSpec {
  mute_seconds?: number | string;
  mute_end_timestamp?: number | string;
}

export interface Announce {
  guild_id: string;
  channel_id: string;
  message_id: string;
  /** 0 member announcement, 1 welcome announcement. */
  announces_type?: number;
  recommend_channels?: RecommendChannel[];
}

export interface RecommendChannel {
  channel_id: string;
  introduce: string;
}

/** A message announcement, or recommended channels (at most 3); the two replace each other. */
export type AnnounceInput =
  | { message_id: string; channel_id: string }
  | { announces_type?: 0 | 1; recommend_channels: RecommendChannel[] };

export interface Schedule {
  id: string;
  name: string;
  description?: string;
  /** ms since 1970, as a string. */
  start_timestamp: string;
  end_timestamp: string;
  creator?: Member;
  jump_channel_id?: string;
  /** "0" none, "1" at start, "2" 5 min before, "3" 15 min, "4" 30 min, "5" 60 min. */
  remind_type: string;
}

export interface ScheduleInput {
  name: string;
  description?: string;
  start_timestamp: string;
  end_timestamp: string;
  jump_channel_id?: string;
  remind_type: string;
}

/** 1 system emoji, 2 emoji character (QQ docs openapi/emoji/model.md). */
export interface Emoji {
  type: 1 | 2;
  id: string;
}

export interface ReactionUsers {
  users: GuildUser[];
  /** Pass back for the next page. */
  cookie: string;
  is_end: boolean;
}

export interface ReactionUserListOptions {
  cookie?: string;
  /** 1–100, default 20. */
  limit?: number;
}

export interface PinsMessage {
  guild_id: string;
  channel_id: string;
  /** Every pinned message of the channel after the call (at most 20). */
  message_ids: string[];
}

/** `POST /channels/{id}/audio` `status`: 0 start, 1 pause, 2 resume, 3 stop. */
export interface AudioControl {
  audio_url?: string;
  text?: string;
  status: 0 | 1 | 2 | 3;
}

export interface ThreadInfo {
  thread_id: string;
  title: string;
  content: string;
  date_time: string;
}

export interface Thread {
  guild_id: string;
  channel_id: string;
  author_id: string;
  thread_info: ThreadInfo;
}

export interface ThreadList {
  threads: Thread[];
  /** 1 when this is the last page. */
  is_finish: number;
}

/** `format`: 1 text, 2 html, 3 markdown, 4 json. */
export interface ThreadInput {
  title: string;
  content: string;
  format: 1 | 2 | 3 | 4;
}

export interface ThreadCreateResult {
  task_id: string;
  create_time: string;
}

export interface ApiPermission {
  path: string;
  method: string;
  desc: string;
  /** 1 granted, 0 not. */
  auth_status: number;
}

export interface ApiPermissionDemandInput {
  channel_id: string;
  api_identify: { path: string; method: string };
  desc: string;
}

export interface ApiPermissionDemand {
  guild_id: string;
  channel_id: string;
  api_identify: { path: string; method: string };
  title: string;
  desc: string;
}

export type { GuildMessage, Guild, Member };
