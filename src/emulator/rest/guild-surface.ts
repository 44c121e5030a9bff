/**
 * The guild REST surface of the emulator (users' guilds, guilds, channels and permissions, members, roles,
 * mutes, announcements, schedules, reading/reacting/pinning messages, audio, forum threads), over one
 * `GuildWorld` per emulator. Tests reach the world with `guildWorldOf(emu.rest)`.
 *
 * @example
 * const world = guildWorldOf(emu.rest);
 * world.addMember(DEFAULT_GUILD_ID, { user: { id: '42', username: 'u', avatar: '', bot: false }, nick: '', roles: ['1'], joined_at: '' });
 */
import type { EmulatorRoute } from '../http-router.js';
import { announceRoutes } from './announce-routes.js';
import { channelRoutes } from './channel-routes.js';
import { guildRoutes } from './guild-routes.js';
import { GuildWorld } from './guild-world.js';
import { memberRoutes } from './member-routes.js';
import { messageExtrasRoutes } from './message-extras-routes.js';
import { muteRoutes } from './mute-routes.js';
import type { RestState } from './rest-state.js';
import { scheduleRoutes } from './schedule-routes.js';
import { voiceForumRoutes } from './voice-forum-routes.js';

const worlds = new WeakMap<RestState, GuildWorld>();

/**
 * The guild world behind one emulator's REST state (`emu.rest`): read what the bot changed, or seed more.
 *
 * @example
 * const world = guildWorldOf(emu.rest);
 * await bot.api.muteMember(DEFAULT_GUILD_ID, userId, { mute_seconds: 60 });
 * world.mutes.at(-1); // { guildId, userId, muteSeconds: '60', at }
 */
export function guildWorldOf(state: RestState): GuildWorld {
  const world = worlds.get(state);
  if (!world) throw new Error('this RestState has no guild world (it was not made by createRestEmulator)');
  return world;
}

export function guildSurfaceRoutes(state: RestState): EmulatorRoute[] {
  const world = new GuildWorld('2024-01-01T00:00:00+08:00');
  worlds.set(state, world);
  const routes = [
    ...guildRoutes(state, world),
    ...channelRoutes(state, world),
    ...memberRoutes(state, world),
    ...muteRoutes(state, world),
    ...announceRoutes(state, world),
    ...scheduleRoutes(state, world),
    ...messageExtrasRoutes(state, world),
    ...voiceForumRoutes(state, world),
  ];
  // The bot is a member of the seeded guild under whatever identity this emulator gives it (options.botUser).
  return routes.map((route) => ({
    ...route,
    handle: (ctx) => {
      world.ensureBotMember(ctx.emu.botUser);
      return route.handle(ctx);
    },
  }));
}
