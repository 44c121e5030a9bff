/**
 * Channel-level REST calls: channels and their permissions, reading a message, reactions, pins, schedules, audio
 * and forum threads. Paths and bodies: botpy `botpy/api.py` and botgo `openapi/v1/{channels,channel_permissions,
 * message,message_reaction,pins,schedule,audio}.go` (both tencent-connect). Scene rules are in docs/rest.md.
 */
import type { ApiRequester } from './api-request.js';
import type {
  AudioControl,
  GuildChannel,
  ChannelCreate,
  ChannelPermissions,
  ChannelPermissionsUpdate,
  ChannelUpdate,
  Emoji,
  Member,
  PinsMessage,
  ReactionUserListOptions,
  ReactionUsers,
  Schedule,
  ScheduleInput,
  Thread,
  ThreadCreateResult,
  ThreadInput,
  ThreadList,
} from './guild-types.js';
import type { GuildMessage } from './message-types.js';
import { query } from './query.js';

/** Channel-level calls of the REST client. Every method throws `QQApiError` on failure. */
export interface ChannelApi {
  /** `GET /guilds/{guild_id}/channels`. */
  getChannels(guildId: string): Promise<GuildChannel[]>;
  /** `GET /channels/{channel_id}`. */
  getChannel(channelId: string): Promise<GuildChannel>;
  /** `POST /guilds/{guild_id}/channels` (private bots). */
  createChannel(guildId: string, channel: ChannelCreate): Promise<GuildChannel>;
  /** `PATCH /channels/{channel_id}` (private bots). */
  updateChannel(channelId: string, update: ChannelUpdate): Promise<GuildChannel>;
  /** `DELETE /channels/{channel_id}` (private bots). Answers the deleted channel. */
  deleteChannel(channelId: string): Promise<GuildChannel>;
  /** `GET /channels/{channel_id}/members/{user_id}/permissions`. */
  getChannelMemberPermissions(channelId: string, userId: string): Promise<ChannelPermissions>;
  /** `PUT /channels/{channel_id}/members/{user_id}/permissions` `{add, remove}` (bit sets as decimal strings). */
  updateChannelMemberPermissions(channelId: string, userId: string, update: ChannelPermissionsUpdate): Promise<void>;
  /** `GET /channels/{channel_id}/roles/{role_id}/permissions`. */
  getChannelRolePermissions(channelId: string, roleId: string): Promise<ChannelPermissions>;
  /** `PUT /channels/{channel_id}/roles/{role_id}/permissions`. */
  updateChannelRolePermissions(channelId: string, roleId: string, update: ChannelPermissionsUpdate): Promise<void>;
  /** `GET /channels/{channel_id}/messages/{message_id}` (unwraps `{message}`). Guild channels only. */
  getChannelMessage(channelId: string, messageId: string): Promise<GuildMessage>;
  /** `PUT /channels/{channel_id}/messages/{message_id}/reactions/{type}/{id}`. */
  addReaction(channelId: string, messageId: string, emoji: Emoji): Promise<void>;
  /** `DELETE …/reactions/{type}/{id}`: removes the bot's own reaction. */
  deleteReaction(channelId: string, messageId: string, emoji: Emoji): Promise<void>;
  /** `GET …/reactions/{type}/{id}?cookie&limit`: who reacted, paged by `cookie`. */
  getReactionUsers(channelId: string, messageId: string, emoji: Emoji, options?: ReactionUserListOptions): Promise<ReactionUsers>;
  /** `PUT /channels/{channel_id}/pins/{message_id}` (at most 20 per channel). */
  pinMessage(channelId: string, messageId: string): Promise<PinsMessage>;
  /** `DELETE /channels/{channel_id}/pins/{message_id}`; `'all'` unpins every message. */
  unpinMessage(channelId: string, messageId: string): Promise<void>;
  /** `GET /channels/{channel_id}/pins`. */
  getPins(channelId: string): Promise<PinsMessage>;
  /** `GET /channels/{channel_id}/schedules?since=`: today's schedules, or those ending after `since` (ms). */
  getSchedules(channelId: string, since?: string | number): Promise<Schedule[]>;
  /** `GET /channels/{channel_id}/schedules/{schedule_id}`. */
  getSchedule(channelId: string, scheduleId: string): Promise<Schedule>;
  /** `POST /channels/{channel_id}/schedules` `{schedule}` (admin; 10 a day per admin, 100 per guild). */
  createSchedule(channelId: string, schedule: ScheduleInput): Promise<Schedule>;
  /** `PATCH /channels/{channel_id}/schedules/{schedule_id}` `{schedule}`. */
  updateSchedule(channelId: string, scheduleId: string, schedule: ScheduleInput): Promise<Schedule>;
  /** `DELETE /channels/{channel_id}/schedules/{schedule_id}`. */
  deleteSchedule(channelId: string, scheduleId: string): Promise<void>;
  /** `POST /channels/{channel_id}/audio` (audio bots only). */
  controlAudio(channelId: string, control: AudioControl): Promise<void>;
  /** `PUT /channels/{channel_id}/mic`: the bot takes the mic in a voice channel. */
  micOn(channelId: string): Promise<void>;
  /** `DELETE /channels/{channel_id}/mic`. */
  micOff(channelId: string): Promise<void>;
  /** `GET /channels/{channel_id}/voice/members` (private bots). */
  getVoiceMembers(channelId: string): Promise<Member[]>;
  /** `GET /channels/{channel_id}/threads`: a forum channel's threads. */
  getThreads(channelId: string): Promise<ThreadList>;
  /** `GET /channels/{channel_id}/threads/{thread_id}` (unwraps `{thread}`). */
  getThread(channelId: string, threadId: string): Promise<Thread>;
  /** `PUT /channels/{channel_id}/threads` `{title, content, format}`: posting is asynchronous (a task id). */
  createThread(channelId: string, thread: ThreadInput): Promise<ThreadCreateResult>;
  /** `DELETE /channels/{channel_id}/threads/{thread_id}`. */
  deleteThread(channelId: string, threadId: string): Promise<void>;
}

/**
 * The channel-level calls over one requester.
 *
 * @example
 * const channels = await bot.api.getChannels(guildId);
 * await bot.api.addReaction(channelId, messageId, { type: 1, id: '4' });
 */
export function channelApi(call: ApiRequester): ChannelApi {
  const id = encodeURIComponent;
  const get = async <T>(path: string): Promise<T> => (await call({ method: 'GET', path })) as T;
  const send = async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> =>
    (await call({ method, path, ...(body !== undefined ? { body } : {}) })) as T;
  const done = async (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> => {
    await send(method, path, body);
  };
  const channel = (channelId: string) => `/channels/${id(channelId)}`;
  const reaction = (channelId: string, messageId: string, emoji: Emoji) =>
    `${channel(channelId)}/messages/${id(messageId)}/reactions/${emoji.type}/${id(emoji.id)}`;

  return {
    getChannels: (guildId) => get(`/guilds/${id(guildId)}/channels`),
    getChannel: (channelId) => get(channel(channelId)),
    createChannel: (guildId, create) => send('POST', `/guilds/${id(guildId)}/channels`, create),
    updateChannel: (channelId, update) => send('PATCH', channel(channelId), update),
    deleteChannel: (channelId) => send('DELETE', channel(channelId)),
    getChannelMemberPermissions: (channelId, userId) => get(`${channel(channelId)}/members/${id(userId)}/permissions`),
    updateChannelMemberPermissions: (channelId, userId, update) => done('PUT', `${channel(channelId)}/members/${id(userId)}/permissions`, update),
    getChannelRolePermissions: (channelId, roleId) => get(`${channel(channelId)}/roles/${id(roleId)}/permissions`),
    updateChannelRolePermissions: (channelId, roleId, update) => done('PUT', `${channel(channelId)}/roles/${id(roleId)}/permissions`, update),
    getChannelMessage: async (channelId, messageId) => (await get<{ message: GuildMessage }>(`${channel(channelId)}/messages/${id(messageId)}`)).message,
    addReaction: (channelId, messageId, emoji) => done('PUT', reaction(channelId, messageId, emoji)),
    deleteReaction: (channelId, messageId, emoji) => done('DELETE', reaction(channelId, messageId, emoji)),
    getReactionUsers: (channelId, messageId, emoji, options = {}) =>
      get(`${reaction(channelId, messageId, emoji)}${query({ cookie: options.cookie, limit: options.limit ?? 20 })}`),
    pinMessage: (channelId, messageId) => send('PUT', `${channel(channelId)}/pins/${id(messageId)}`),
    unpinMessage: (channelId, messageId) => done('DELETE', `${channel(channelId)}/pins/${id(messageId)}`),
    getPins: (channelId) => get(`${channel(channelId)}/pins`),
    getSchedules: (channelId, since) => get(`${channel(channelId)}/schedules${query({ since: since === undefined ? undefined : String(since) })}`),
    getSchedule: (channelId, scheduleId) => get(`${channel(channelId)}/schedules/${id(scheduleId)}`),
    createSchedule: (channelId, schedule) => send('POST', `${channel(channelId)}/schedules`, { schedule }),
    updateSchedule: (channelId, scheduleId, schedule) => send('PATCH', `${channel(channelId)}/schedules/${id(scheduleId)}`, { schedule }),
    deleteSchedule: (channelId, scheduleId) => done('DELETE', `${channel(channelId)}/schedules/${id(scheduleId)}`),
    controlAudio: (channelId, control) => done('POST', `${channel(channelId)}/audio`, control),
    micOn: (channelId) => done('PUT', `${channel(channelId)}/mic`),
    micOff: (channelId) => done('DELETE', `${channel(channelId)}/mic`),
    getVoiceMembers: (channelId) => get(`${channel(channelId)}/voice/members`),
    getThreads: (channelId) => get(`${channel(channelId)}/threads`),
    getThread: async (channelId, threadId) => (await get<{ thread: Thread }>(`${channel(channelId)}/threads/${id(threadId)}`)).thread,
    createThread: (channelId, thread) => send('PUT', `${channel(channelId)}/threads`, thread),
    deleteThread: (channelId, threadId) => done('DELETE', `${channel(channelId)}/threads/${id(threadId)}`),
  };
}
