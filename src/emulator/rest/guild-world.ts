/**
 * The guild world the guild REST endpoints read and change: guilds, channels, members, roles, per-channel
 * permissions, mutes, announcements, schedules, reactions, pins, audio, mic and forum threads. One per emulator,
 * seeded with the guild, channel and user the gateway payloads use (DEFAULT_GUILD_ID, DEFAULT_CHANNEL_ID,
 * DEFAULT_GUILD_USER), plus a voice, a schedule and a forum channel. Tests read and seed it through
 * `guildWorldOf(emu.rest)`.
 */
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_GUILD_USER } from '../payloads.js';

export interface WorldGuild {
  id: string;
  name: string;
  icon: string;
  owner_id: string;
  owner: boolean;
  max_members: number;
  description: string;
  joined_at: string;
}

export interface WorldChannel {
  id: string;
  guild_id: string;
  name: string;
  type: number;
  sub_type: number;
  position: number;
  parent_id: string;
  owner_id: string;
  private_type: number;
  speak_permission: number;
  application_id?: string;
}

export interface WorldUser {
  id: string;
  username: string;
  avatar: string;
  bot: boolean;
}

export interface WorldMember {
  user: WorldUser;
  nick: string;
  roles: string[];
  joined_at: string;
}

export interface WorldRole {
  id: string;
  name: string;
  color: number;
  hoist: number;
  member_limit: number;
}

export interface MuteRecord {
  guildId: string;
  /** undefined = the whole guild. */
  userId?: string;
  muteSeconds?: string;
  muteEndTimestamp?: string;
  at: number;
}

export interface WorldSchedule {
  id: string;
  channelId: string;
  name: string;
  description?: string;
  start_timestamp: string;
  end_timestamp: string;
  jump_channel_id?: string;
  remind_type: string;
  creatorId: string;
}

export interface WorldThread {
  thread_id: string;
  channelId: string;
  guildId: string;
  author_id: string;
  title: string;
  content: string;
  format: number;
  date_time: string;
}

export interface AudioRecord {
  channelId: string;
  body: Record<string, unknown>;
  at: number;
}

export const VOICE_CHANNEL_ID = '100020';
export const SCHEDULE_CHANNEL_ID = '100030';
export const FORUM_CHANNEL_ID = '100040';

/** System roles (QQ docs openapi/guild/role_model.md): everyone, admin, owner, channel admin. */
const SYSTEM_ROLES: WorldRole[] = [
  { id: '1', name: '普通成员', color: 4286151052, hoist: 0, member_limit: 1000 },
  { id: '2', name: '管理员', color: 4294927682, hoist: 1, member_limit: 50 },
  { id: '4', name: '创建者', color: 4294945365, hoist: 1, member_limit: 1 },
  { id: '5', name: '子频道管理员', color: 4288269567, hoist: 1, member_limit: 50 },
];

export class GuildWorld {
  readonly guilds = new Map<string, WorldGuild>();
  readonly channels = new Map<string, WorldChannel>();
  /** guild id → user id → member. */
  readonly members = new Map<string, Map<string, WorldMember>>();
  /** guild id → role id → role. */
  readonly roles = new Map<string, Map<string, WorldRole>>();
  /** `channelId:user:<id>` or `channelId:role:<id>` → permission bits. */
  readonly channelPermissions = new Map<string, number>();
  readonly mutes: MuteRecord[] = [];
  /** guild id → announcements, newest last. */
  readonly announces = new Map<string, Array<Record<string, unknown>>>();
  readonly schedules = new Map<string, WorldSchedule>();
  /** `channelId/messageId/type/id` → user ids that reacted. */
  readonly reactions = new Map<string, Set<string>>();
  /** channel id → pinned message ids. */
  readonly pins = new Map<string, string[]>();
  readonly audio: AudioRecord[] = [];
  /** channel ids where the bot holds the mic. */
  readonly mic = new Set<string>();
  readonly threads = new Map<string, WorldThread>();
  /** Users removed with `add_blacklist`. */
  readonly blacklist = new Set<string>();
  #serial = 1000;

  #botId: string | undefined;
  readonly #joinedAt: string;

  constructor(joinedAt: string) {
    this.#joinedAt = joinedAt;
    this.addGuild({ id: DEFAULT_GUILD_ID, name: '模拟频道', icon: '', owner_id: DEFAULT_GUILD_USER.id, owner: false, max_members: 2000, description: 'emulator guild', joined_at: joinedAt });
    const channel = (id: string, name: string, type: number): WorldChannel => ({
      id, guild_id: DEFAULT_GUILD_ID, name, type, sub_type: 0, position: Number(id) % 100, parent_id: '0', owner_id: DEFAULT_GUILD_USER.id, private_type: 0, speak_permission: 1,
    });
    this.addChannel(channel(DEFAULT_CHANNEL_ID, '闲聊', 0));
    this.addChannel(channel(VOICE_CHANNEL_ID, '语音', 2));
    this.addChannel({ ...channel(SCHEDULE_CHANNEL_ID, '日程', 10006), application_id: '1000050' });
    this.addChannel(channel(FORUM_CHANNEL_ID, '论坛', 10007));
    this.addMember(DEFAULT_GUILD_ID, { user: { ...DEFAULT_GUILD_USER, bot: false }, nick: '', roles: ['1', '4'], joined_at: joinedAt });
  }

  /** Makes the bot an admin member of the seeded guild (once; the emulator's bot user never changes). */
  ensureBotMember(bot: { id: string; username: string }): void {
    if (this.#botId === bot.id) return;
    this.#botId = bot.id;
    this.addMember(DEFAULT_GUILD_ID, { user: { id: bot.id, username: bot.username, avatar: '', bot: true }, nick: '', roles: ['1', '2'], joined_at: this.#joinedAt });
  }

  /** A fresh decimal id, unique in this world. */
  nextId(): string {
    this.#serial += 1;
    return String(this.#serial);
  }

  addGuild(guild: WorldGuild): void {
    this.guilds.set(guild.id, guild);
    this.members.set(guild.id, this.members.get(guild.id) ?? new Map());
    this.roles.set(guild.id, this.roles.get(guild.id) ?? new Map(SYSTEM_ROLES.map((r) => [r.id, { ...r }])));
  }

  addChannel(channel: WorldChannel): void {
    this.channels.set(channel.id, channel);
  }

  addMember(guildId: string, member: WorldMember): void {
    this.members.get(guildId)?.set(member.user.id, member);
  }

  channelsOf(guildId: string): WorldChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId);
  }
}
