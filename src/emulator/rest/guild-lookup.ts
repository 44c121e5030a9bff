/** Lookups shared by the guild routes: each answers the object or rejects with the platform-shaped 404. */
import type { RouteContext } from '../http-router.js';
import { platformTimestamp } from '../ids.js';
import { guildErrors } from './guild-errors.js';
import type { GuildWorld, WorldChannel, WorldGuild, WorldMember, WorldRole } from './guild-world.js';
import { reject } from './rest-errors.js';
import type { RestState } from './rest-state.js';

export function requireGuild(world: GuildWorld, guildId: string): WorldGuild {
  return world.guilds.get(guildId) ?? reject(guildErrors.unknownGuild);
}

export function requireChannel(world: GuildWorld, channelId: string): WorldChannel {
  return world.channels.get(channelId) ?? reject(guildErrors.unknownChannel);
}

export function requireMember(world: GuildWorld, guildId: string, userId: string): WorldMember {
  requireGuild(world, guildId);
  return world.members.get(guildId)?.get(userId) ?? reject(guildErrors.unknownMember);
}

export function requireRole(world: GuildWorld, guildId: string, roleId: string): WorldRole {
  requireGuild(world, guildId);
  return world.roles.get(guildId)?.get(roleId) ?? reject(guildErrors.unknownRole);
}

export function guildView(world: GuildWorld, guild: WorldGuild): Record<string, unknown> {
  return { ...guild, member_count: world.members.get(guild.id)?.size ?? 0 };
}

/**
 * A guild message object for `GET /channels/{id}/messages/{mid}`: one the bot sent to that channel (with its
 * body), or an inbound one the emulator pushed (id, channel, time: the registry keeps no content).
 */
export function requireChannelMessage(state: RestState, world: GuildWorld, ctx: RouteContext, channelId: string, messageId: string): Record<string, unknown> {
  const channel = requireChannel(world, channelId);
  const sent = state.sentMessage(messageId);
  if (sent && sent.scene === 'guild' && sent.target === channelId && sent.recalledAt === undefined) {
    const { body } = sent;
    return {
      id: sent.id,
      channel_id: channelId,
      guild_id: channel.guild_id,
      content: typeof body.content === 'string' ? body.content : '',
      timestamp: sent.timestamp,
      author: { id: ctx.emu.botUser.id, username: ctx.emu.botUser.username, bot: true },
      ...(body.embed !== undefined ? { embeds: [body.embed] } : {}),
      ...(body.ark !== undefined ? { ark: body.ark } : {}),
    };
  }
  const inbound = ctx.inbound.byMsgId(messageId);
  if (inbound && inbound.scene === 'guild' && inbound.target === channelId) {
    return { id: messageId, channel_id: channelId, guild_id: channel.guild_id, content: '', timestamp: platformTimestamp(inbound.at) };
  }
  return reject(guildErrors.unknownMessage);
}
