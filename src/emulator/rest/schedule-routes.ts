/**
 * Schedules in a schedule channel: `GET|POST /channels/{channel_id}/schedules` (`?since=` ms) and
 * `GET|PATCH|DELETE /channels/{channel_id}/schedules/{schedule_id}`; create and update take `{schedule: {...}}`
 * (botgo schedule.go `ScheduleWrapper`, `remind_type`; botpy api.py sends `reminder_id`, which the docs do not
 * name, so the emulator reads `remind_type`). Times are ms strings; the end must follow the start. Without
 * `since`, the list is the schedules overlapping today (emulator clock, UTC+8).
 */
import type { EmulatorRoute, RouteContext } from '../http-router.js';
import { guildErrors } from './guild-errors.js';
import { requireChannel, requireMember } from './guild-lookup.js';
import type { GuildWorld, WorldSchedule } from './guild-world.js';
import { isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

const DAY = 86_400_000;
const CST = 8 * 3_600_000;

export function scheduleRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  const scheduleChannel = (channelId: string) => {
    const channel = requireChannel(world, channelId);
    if (channel.type !== 10006) reject(guildErrors.wrongChannelType);
    return channel;
  };
  const find = (channelId: string, scheduleId: string): WorldSchedule => {
    scheduleChannel(channelId);
    const schedule = world.schedules.get(scheduleId);
    return schedule && schedule.channelId === channelId ? schedule : reject(guildErrors.unknownSchedule);
  };
  const view = (s: WorldSchedule, guildId: string): Record<string, unknown> => {
    const { channelId: _c, creatorId, ...wire } = s;
    const creator = world.members.get(guildId)?.get(creatorId);
    return { ...wire, ...(creator ? { creator } : {}) };
  };

  return [
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/schedules',
      handle: (ctx, [channelId = '']) => {
        const channel = scheduleChannel(channelId);
        const since = ctx.query.get('since');
        const dayStart = Math.floor((ctx.now + CST) / DAY) * DAY - CST;
        const from = since !== null && /^\d+$/.test(since) ? Number(since) : dayStart;
        const until = since !== null ? Infinity : dayStart + DAY;
        const list = [...world.schedules.values()].filter((s) => s.channelId === channelId && Number(s.end_timestamp) > from && Number(s.start_timestamp) < until);
        return ok(list.map((s) => view(s, channel.guild_id)));
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/schedules/{schedule_id}',
      handle: (_ctx, [channelId = '', scheduleId = '']) => ok(view(find(channelId, scheduleId), requireChannel(world, channelId).guild_id)),
    }),
    restRoute(state, {
      method: 'POST',
      path: '/channels/{channel_id}/schedules',
      handle: (ctx, [channelId = '']) => {
        const channel = scheduleChannel(channelId);
        requireMember(world, channel.guild_id, ctx.emu.botUser.id);
        const schedule: WorldSchedule = { id: world.nextId(), channelId, creatorId: ctx.emu.botUser.id, ...readSchedule(world, ctx) };
        world.schedules.set(schedule.id, schedule);
        return ok(view(schedule, channel.guild_id));
      },
    }),
    restRoute(state, {
      method: 'PATCH',
      path: '/channels/{channel_id}/schedules/{schedule_id}',
      handle: (ctx, [channelId = '', scheduleId = '']) => {
        const schedule = find(channelId, scheduleId);
        Object.assign(schedule, readSchedule(world, ctx));
        return ok(view(schedule, requireChannel(world, channelId).guild_id));
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/channels/{channel_id}/schedules/{schedule_id}',
      handle: (_ctx, [channelId = '', scheduleId = '']) => {
        find(channelId, scheduleId);
        world.schedules.delete(scheduleId);
        return okEmpty();
      },
    }),
  ];
}

function readSchedule(world: GuildWorld, ctx: RouteContext): Omit<WorldSchedule, 'id' | 'channelId' | 'creatorId'> {
  const wrapper = ctx.body;
  const s = isJsonObject(wrapper) ? wrapper.schedule : undefined;
  if (!isJsonObject(s) || !isNonEmptyString(s.name)) reject(restErrors.badBody);
  const ms = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v);
  if (!ms(s.start_timestamp) || !ms(s.end_timestamp) || Number(s.end_timestamp) <= Number(s.start_timestamp)) reject(restErrors.badBody);
  if (!(typeof s.remind_type === 'string' && /^[0-5]$/.test(s.remind_type))) reject(restErrors.badBody);
  if (s.jump_channel_id !== undefined && s.jump_channel_id !== '' && s.jump_channel_id !== '0') {
    if (typeof s.jump_channel_id !== 'string') reject(restErrors.badBody);
    requireChannel(world, s.jump_channel_id);
  }
  return {
    name: s.name,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    start_timestamp: s.start_timestamp,
    end_timestamp: s.end_timestamp,
    ...(typeof s.jump_channel_id === 'string' ? { jump_channel_id: s.jump_channel_id } : {}),
    remind_type: s.remind_type,
  };
}
