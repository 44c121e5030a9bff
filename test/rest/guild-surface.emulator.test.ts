/**
 * The guild REST surface (GuildApi + ChannelApi) against the emulator over real HTTP: every method is called,
 * its wire request checked, and the emulator's world shows the effect. The last test fails when a method of the
 * surface was never exercised here, so a new method cannot ship untested.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_USER, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_GUILD_USER, FORUM_CHANNEL_ID, guildWorldOf, SCHEDULE_CHANNEL_ID, VOICE_CHANNEL_ID, type GuildWorld } from '../../src/emulator/index.js';
import { channelApi, guildApi, QQApiError, type RestClient } from '../../src/rest/index.js';
import { restRequests, startRestHarness, type RestHarness } from './support/emulator-client.js';

let h: RestHarness;
let api: RestClient;
let world: GuildWorld;
const called = new Set<string>();

beforeEach(async () => {
  h = await startRestHarness();
  world = guildWorldOf(h.emu.rest);
  api = new Proxy(h.client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === 'string' && typeof value === 'function') called.add(key);
      return value;
    },
  });
});
afterEach(async () => {
  await h?.emu.close();
});

const lastRequest = () => restRequests(h.emu).at(-1)!;
const BOT = DEFAULT_BOT_USER.id;
const USER = DEFAULT_GUILD_USER.id;

async function apiError(promise: Promise<unknown>): Promise<QQApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(QQApiError);
  return error as QQApiError;
}

describe('users and guilds', () => {
  it('getMyGuilds pages by id; getGuild answers the guild with its member count; unknown guilds are 404/10004', async () => {
    world.addGuild({ id: '18700000000009', name: 'second', icon: '', owner_id: USER, owner: false, max_members: 10, description: '', joined_at: '' });
    expect((await api.getMyGuilds()).map((g) => g.id)).toEqual([DEFAULT_GUILD_ID, '18700000000009']);
    expect((await api.getMyGuilds({ after: DEFAULT_GUILD_ID, limit: 10 })).map((g) => g.id)).toEqual(['18700000000009']);
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/users/@me/guilds', query: 'after=18700000000001&limit=10' });
    expect((await api.getMyGuilds({ before: '18700000000009' })).map((g) => g.id)).toEqual([DEFAULT_GUILD_ID]);
    const guild = await api.getGuild(DEFAULT_GUILD_ID);
    expect(guild).toMatchObject({ id: DEFAULT_GUILD_ID, member_count: 2 });
    const missing = await apiError(api.getGuild('1'));
    expect([missing.status, missing.platformCode]).toEqual([404, 10004]);
  });

  it('getApiPermissions unwraps apis; requestApiPermission posts the demand', async () => {
    const apis = await api.getApiPermissions(DEFAULT_GUILD_ID);
    expect(apis.length).toBeGreaterThan(0);
    expect(apis[0]).toMatchObject({ path: expect.any(String), method: expect.any(String), auth_status: 1 });
    const demand = await api.requestApiPermission(DEFAULT_GUILD_ID, { channel_id: DEFAULT_CHANNEL_ID, api_identify: { path: '/guilds/{guild_id}/members/{user_id}', method: 'DELETE' }, desc: '踢人' });
    expect(demand).toMatchObject({ guild_id: DEFAULT_GUILD_ID, channel_id: DEFAULT_CHANNEL_ID, desc: '踢人' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: `/guilds/${DEFAULT_GUILD_ID}/api_permission/demand` });
  });
});

describe('channels and permissions', () => {
  it('lists, creates, updates and deletes channels', async () => {
    const before = await api.getChannels(DEFAULT_GUILD_ID);
    expect(before.map((c) => c.id)).toEqual(expect.arrayContaining([DEFAULT_CHANNEL_ID, VOICE_CHANNEL_ID, FORUM_CHANNEL_ID]));
    const created = await api.createChannel(DEFAULT_GUILD_ID, { name: 'bot-room', type: 0, sub_type: 0, private_type: 1 });
    expect(created).toMatchObject({ guild_id: DEFAULT_GUILD_ID, name: 'bot-room', private_type: 1, owner_id: BOT });
    expect((await api.getChannel(created.id)).name).toBe('bot-room');
    const updated = await api.updateChannel(created.id, { name: 'renamed', speak_permission: 2 });
    expect(updated).toMatchObject({ name: 'renamed', speak_permission: 2 });
    expect(lastRequest()).toMatchObject({ method: 'PATCH', body: { name: 'renamed', speak_permission: 2 } });
    expect((await api.deleteChannel(created.id)).id).toBe(created.id);
    expect((await apiError(api.getChannel(created.id))).platformCode).toBe(10003);
    expect((await apiError(api.createChannel(DEFAULT_GUILD_ID, { name: '', type: 0 }))).status).toBe(400);
  });

  it('member and role permissions: default bits, then add/remove as decimal strings', async () => {
    expect(await api.getChannelMemberPermissions(DEFAULT_CHANNEL_ID, USER)).toEqual({ channel_id: DEFAULT_CHANNEL_ID, user_id: USER, permissions: '15' });
    world.addMember(DEFAULT_GUILD_ID, { user: { id: '42', username: 'm', avatar: '', bot: false }, nick: '', roles: ['1'], joined_at: '' });
    expect((await api.getChannelMemberPermissions(DEFAULT_CHANNEL_ID, '42')).permissions).toBe('5');
    await api.updateChannelMemberPermissions(DEFAULT_CHANNEL_ID, '42', { add: '2', remove: '4' });
    expect(lastRequest()).toMatchObject({ method: 'PUT', path: `/channels/${DEFAULT_CHANNEL_ID}/members/42/permissions`, body: { add: '2', remove: '4' } });
    expect((await api.getChannelMemberPermissions(DEFAULT_CHANNEL_ID, '42')).permissions).toBe('3');
    expect((await api.getChannelRolePermissions(DEFAULT_CHANNEL_ID, '1')).permissions).toBe('5');
    await api.updateChannelRolePermissions(DEFAULT_CHANNEL_ID, '1', { remove: '4' });
    expect(await api.getChannelRolePermissions(DEFAULT_CHANNEL_ID, '1')).toEqual({ channel_id: DEFAULT_CHANNEL_ID, role_id: '1', permissions: '1' });
    expect((await apiError(api.updateChannelRolePermissions(DEFAULT_CHANNEL_ID, '1', { add: '16' }))).status).toBe(400);
  });
});

describe('members, roles and mutes', () => {
  it('pages members after an id, reads one, removes one with blacklist', async () => {
    for (const id of ['50', '60', '70']) world.addMember(DEFAULT_GUILD_ID, { user: { id, username: `u${id}`, avatar: '', bot: false }, nick: '', roles: ['1'], joined_at: '' });
    const page = await api.getGuildMembers(DEFAULT_GUILD_ID, { after: '0', limit: 2 });
    expect(page.map((m) => m.user?.id)).toEqual(['50', '60']);
    expect(lastRequest().query).toBe('after=0&limit=2');
    expect((await api.getGuildMembers(DEFAULT_GUILD_ID, { after: '60', limit: 2 })).map((m) => m.user?.id)).toEqual(['70', USER]);
    expect((await api.getGuildMember(DEFAULT_GUILD_ID, '60')).user?.username).toBe('u60');
    await api.removeGuildMember(DEFAULT_GUILD_ID, '60', { add_blacklist: true, delete_history_msg_days: 3 });
    expect(lastRequest()).toMatchObject({ method: 'DELETE', body: { add_blacklist: true, delete_history_msg_days: 3 } });
    expect(world.blacklist.has('60')).toBe(true);
    expect((await apiError(api.getGuildMember(DEFAULT_GUILD_ID, '60'))).platformCode).toBe(10001);
  });

  it('creates, updates, grants, lists, revokes and deletes a role', async () => {
    const { roles } = await api.getGuildRoles(DEFAULT_GUILD_ID);
    expect(roles.map((r) => r.id)).toEqual(['1', '2', '4', '5']);
    const created = await api.createGuildRole(DEFAULT_GUILD_ID, { name: 'VIP', color: 4278245297, hoist: 1 });
    expect(created.role).toMatchObject({ name: 'VIP', hoist: 1 });
    const updated = await api.updateGuildRole(DEFAULT_GUILD_ID, created.role_id, { name: 'VVIP' });
    expect(updated).toMatchObject({ guild_id: DEFAULT_GUILD_ID, role_id: created.role_id, role: { name: 'VVIP' } });
    await api.addMemberRole(DEFAULT_GUILD_ID, USER, created.role_id);
    expect((await api.getRoleMembers(DEFAULT_GUILD_ID, created.role_id, { limit: 10 })).data.map((m) => m.user?.id)).toEqual([USER]);
    // role 5 needs the channel it is for
    expect((await apiError(api.addMemberRole(DEFAULT_GUILD_ID, USER, '5'))).status).toBe(400);
    await api.addMemberRole(DEFAULT_GUILD_ID, USER, '5', DEFAULT_CHANNEL_ID);
    expect(lastRequest().body).toEqual({ channel: { id: DEFAULT_CHANNEL_ID } });
    await api.removeMemberRole(DEFAULT_GUILD_ID, USER, created.role_id);
    expect((await api.getRoleMembers(DEFAULT_GUILD_ID, created.role_id)).data).toEqual([]);
    await api.deleteGuildRole(DEFAULT_GUILD_ID, created.role_id);
    expect((await apiError(api.deleteGuildRole(DEFAULT_GUILD_ID, created.role_id))).platformCode).toBe(10005);
    expect((await apiError(api.deleteGuildRole(DEFAULT_GUILD_ID, '2'))).status).toBe(400);
  });

  it('mutes the guild, one member and several, with numbers sent as strings', async () => {
    await api.muteGuild(DEFAULT_GUILD_ID, { mute_seconds: 60 });
    expect(lastRequest()).toMatchObject({ method: 'PATCH', path: `/guilds/${DEFAULT_GUILD_ID}/mute`, body: { mute_seconds: '60' } });
    await api.muteMember(DEFAULT_GUILD_ID, USER, { mute_end_timestamp: 1_900_000_000 });
    expect(lastRequest().body).toEqual({ mute_end_timestamp: '1900000000' });
    const multi = await api.muteMembers(DEFAULT_GUILD_ID, [USER, BOT], { mute_seconds: 0 });
    expect(multi.user_ids).toEqual([USER, BOT]);
    expect(world.mutes.map((m) => [m.userId ?? 'guild', m.muteSeconds ?? m.muteEndTimestamp])).toEqual([
      ['guild', '60'],
      [USER, '1900000000'],
      [USER, '0'],
      [BOT, '0'],
    ]);
    expect((await apiError(api.muteMember(DEFAULT_GUILD_ID, '999', { mute_seconds: 1 }))).platformCode).toBe(10001);
  });
});

describe('announcements, schedules, audio and threads', () => {
  it('a message announcement and recommended channels replace each other', async () => {
    const announce = await api.createGuildAnnouncement(DEFAULT_GUILD_ID, { message_id: 'm1', channel_id: DEFAULT_CHANNEL_ID });
    expect(announce).toMatchObject({ guild_id: DEFAULT_GUILD_ID, message_id: 'm1' });
    const recommend = await api.createGuildAnnouncement(DEFAULT_GUILD_ID, { announces_type: 1, recommend_channels: [{ channel_id: DEFAULT_CHANNEL_ID, introduce: '来聊天' }] });
    expect(recommend.recommend_channels).toHaveLength(1);
    expect(world.announces.get(DEFAULT_GUILD_ID)).toHaveLength(1);
    expect((await apiError(api.deleteGuildAnnouncement(DEFAULT_GUILD_ID, 'm1'))).status).toBe(404);
    await api.deleteGuildAnnouncement(DEFAULT_GUILD_ID);
    expect(lastRequest().path).toBe(`/guilds/${DEFAULT_GUILD_ID}/announces/all`);
    expect(world.announces.get(DEFAULT_GUILD_ID)).toEqual([]);
    const four = Array.from({ length: 4 }, () => ({ channel_id: DEFAULT_CHANNEL_ID, introduce: 'x' }));
    expect((await apiError(api.createGuildAnnouncement(DEFAULT_GUILD_ID, { recommend_channels: four }))).status).toBe(400);
  });

  it('schedules: create wraps {schedule}, list by since, read, update, delete; text channels refuse them', async () => {
    const now = h.clock.now();
    const input = { name: '周会', start_timestamp: String(now + 3_600_000), end_timestamp: String(now + 7_200_000), jump_channel_id: DEFAULT_CHANNEL_ID, remind_type: '2' };
    const created = await api.createSchedule(SCHEDULE_CHANNEL_ID, input);
    expect(lastRequest().body).toEqual({ schedule: input });
    expect(created).toMatchObject({ name: '周会', remind_type: '2', creator: { user: { id: BOT } } });
    expect((await api.getSchedules(SCHEDULE_CHANNEL_ID, now)).map((s) => s.id)).toEqual([created.id]);
    expect(lastRequest().query).toBe(`since=${now}`);
    expect((await api.getSchedules(SCHEDULE_CHANNEL_ID, now + 8_000_000)).length).toBe(0);
    expect((await api.getSchedule(SCHEDULE_CHANNEL_ID, created.id)).name).toBe('周会');
    expect((await api.updateSchedule(SCHEDULE_CHANNEL_ID, created.id, { ...input, name: '改期' })).name).toBe('改期');
    await api.deleteSchedule(SCHEDULE_CHANNEL_ID, created.id);
    expect((await apiError(api.getSchedule(SCHEDULE_CHANNEL_ID, created.id))).status).toBe(404);
    expect((await apiError(api.createSchedule(DEFAULT_CHANNEL_ID, input))).status).toBe(400);
    expect((await apiError(api.createSchedule(SCHEDULE_CHANNEL_ID, { ...input, end_timestamp: input.start_timestamp }))).status).toBe(400);
  });

  it('audio and the mic work in voice channels only', async () => {
    await api.micOn(VOICE_CHANNEL_ID);
    expect(world.mic.has(VOICE_CHANNEL_ID)).toBe(true);
    expect((await api.getVoiceMembers(VOICE_CHANNEL_ID)).map((m) => m.user?.id)).toEqual([BOT]);
    await api.controlAudio(VOICE_CHANNEL_ID, { audio_url: 'https://example.com/a.mp3', text: '播放', status: 0 });
    expect(world.audio.at(-1)?.body).toEqual({ audio_url: 'https://example.com/a.mp3', text: '播放', status: 0 });
    await api.micOff(VOICE_CHANNEL_ID);
    expect(world.mic.has(VOICE_CHANNEL_ID)).toBe(false);
    expect((await apiError(api.micOn(DEFAULT_CHANNEL_ID))).status).toBe(400);
  });

  it('forum threads: put, list, read, delete', async () => {
    const task = await api.createThread(FORUM_CHANNEL_ID, { title: '公告', content: '# hi', format: 3 });
    expect(lastRequest()).toMatchObject({ method: 'PUT', path: `/channels/${FORUM_CHANNEL_ID}/threads` });
    expect(task.task_id).toMatch(/^\d+$/);
    const { threads, is_finish } = await api.getThreads(FORUM_CHANNEL_ID);
    expect(is_finish).toBe(1);
    expect(threads[0]).toMatchObject({ author_id: BOT, thread_info: { title: '公告', content: '# hi' } });
    const thread = await api.getThread(FORUM_CHANNEL_ID, threads[0]!.thread_info.thread_id);
    expect(thread.thread_info.title).toBe('公告');
    await api.deleteThread(FORUM_CHANNEL_ID, thread.thread_info.thread_id);
    expect((await api.getThreads(FORUM_CHANNEL_ID)).threads).toEqual([]);
    expect((await apiError(api.getThreads(DEFAULT_CHANNEL_ID))).status).toBe(400);
  });
});

describe('messages: read, react, pin', () => {
  it('reads a sent message, reacts to it, pages reaction users, pins and unpins it', async () => {
    const sent = await api.sendChannelMessage(DEFAULT_CHANNEL_ID, 'pin me');
    const read = await api.getChannelMessage(DEFAULT_CHANNEL_ID, sent.id);
    expect(read).toMatchObject({ id: sent.id, content: 'pin me', guild_id: DEFAULT_GUILD_ID, author: { id: BOT } });
    const inbound = h.emu.guildAtMessage({ content: 'hi' });
    expect((await api.getChannelMessage(DEFAULT_CHANNEL_ID, inbound.msgId!)).id).toBe(inbound.msgId);
    expect((await apiError(api.getChannelMessage(DEFAULT_CHANNEL_ID, 'nope'))).status).toBe(404);

    const emoji = { type: 1, id: '4' } as const;
    await api.addReaction(DEFAULT_CHANNEL_ID, sent.id, emoji);
    expect(lastRequest()).toMatchObject({ method: 'PUT', path: `/channels/${DEFAULT_CHANNEL_ID}/messages/${sent.id}/reactions/1/4` });
    world.reactions.get(`${DEFAULT_CHANNEL_ID}/${sent.id}/1/4`)?.add(USER);
    const first = await api.getReactionUsers(DEFAULT_CHANNEL_ID, sent.id, emoji, { limit: 1 });
    expect(first).toMatchObject({ users: [{ id: BOT }], is_end: false });
    const second = await api.getReactionUsers(DEFAULT_CHANNEL_ID, sent.id, emoji, { cookie: first.cookie, limit: 1 });
    expect(second).toMatchObject({ users: [{ id: USER, username: DEFAULT_GUILD_USER.username }], is_end: true });
    await api.deleteReaction(DEFAULT_CHANNEL_ID, sent.id, emoji);
    expect((await api.getReactionUsers(DEFAULT_CHANNEL_ID, sent.id, emoji)).users.map((u) => u.id)).toEqual([USER]);

    expect((await api.pinMessage(DEFAULT_CHANNEL_ID, sent.id)).message_ids).toEqual([sent.id]);
    expect((await api.getPins(DEFAULT_CHANNEL_ID)).message_ids).toEqual([sent.id]);
    await api.unpinMessage(DEFAULT_CHANNEL_ID, sent.id);
    expect((await api.getPins(DEFAULT_CHANNEL_ID)).message_ids).toEqual([]);
    expect((await apiError(api.pinMessage(DEFAULT_CHANNEL_ID, 'nope'))).status).toBe(404);
  });

  it('refuses a 21st pin', async () => {
    for (let i = 0; i < 20; i++) await api.pinMessage(DEFAULT_CHANNEL_ID, (await api.sendChannelMessage(DEFAULT_CHANNEL_ID, `m${i}`)).id);
    const extra = await api.sendChannelMessage(DEFAULT_CHANNEL_ID, 'one more');
    expect((await apiError(api.pinMessage(DEFAULT_CHANNEL_ID, extra.id))).platformCode).toBe(620001);
    await api.unpinMessage(DEFAULT_CHANNEL_ID, 'all');
    expect((await api.getPins(DEFAULT_CHANNEL_ID)).message_ids).toEqual([]);
  });
});

afterAll(() => {
  // Every method of the guild surface was called by a test above.
  const surface = Object.keys({ ...guildApi(async () => undefined), ...channelApi(async () => undefined) });
  expect(surface.filter((name) => !called.has(name))).toEqual([]);
});
