/**
 * Guild-level REST calls: the bot's guilds, guild details, members, roles, mutes, announcements and API
 * permissions. Paths and bodies: botpy `botpy/api.py` and botgo `openapi/v1/{guilds,member,role,mute,announces,
 * api_permissions,me}.go` (both tencent-connect). Scene rules are in docs/rest.md.
 */
import type { ApiRequester } from './api-request.js';
import type {
  Announce,
  AnnounceInput,
  ApiPermission,
  ApiPermissionDemand,
  ApiPermissionDemandInput,
  Guild,
  GuildRoles,
  Member,
  MemberListOptions,
  MemberRemoveOptions,
  MuteSpec,
  RoleCreateResult,
  RoleInput,
  RoleMemberList,
  RoleMemberListOptions,
  RoleUpdateResult,
} from './guild-types.js';
import { query } from './query.js';

export interface MyGuildListOptions {
  /** Guilds with an id before this one (descending). */
  before?: string;
  /** Guilds with an id after this one. */
  after?: string;
  /** 1–100, default 100. */
  limit?: number;
}

/** Guild-level calls of the REST client. Every method throws `QQApiError` on failure. */
export interface GuildApi {
  /** `GET /users/@me/guilds`: the guilds the bot is in, paged by id. */
  getMyGuilds(options?: MyGuildListOptions): Promise<Guild[]>;
  /** `GET /guilds/{guild_id}`. */
  getGuild(guildId: string): Promise<Guild>;
  /** `GET /guilds/{guild_id}/members?after&limit` (private bots only). */
  getGuildMembers(guildId: string, options?: MemberListOptions): Promise<Member[]>;
  /** `GET /guilds/{guild_id}/members/{user_id}`. */
  getGuildMember(guildId: string, userId: string): Promise<Member>;
  /** `DELETE /guilds/{guild_id}/members/{user_id}` with `{add_blacklist, delete_history_msg_days}` (private bots, admin). */
  removeGuildMember(guildId: string, userId: string, options?: MemberRemoveOptions): Promise<void>;
  /** `GET /guilds/{guild_id}/roles/{role_id}/members?start_index&limit` (private bots). */
  getRoleMembers(guildId: string, roleId: string, options?: RoleMemberListOptions): Promise<RoleMemberList>;
  /** `GET /guilds/{guild_id}/roles`. */
  getGuildRoles(guildId: string): Promise<GuildRoles>;
  /** `POST /guilds/{guild_id}/roles` `{name, color, hoist}`. */
  createGuildRole(guildId: string, role: RoleInput): Promise<RoleCreateResult>;
  /** `PATCH /guilds/{guild_id}/roles/{role_id}`. */
  updateGuildRole(guildId: string, roleId: string, role: RoleInput): Promise<RoleUpdateResult>;
  /** `DELETE /guilds/{guild_id}/roles/{role_id}`. */
  deleteGuildRole(guildId: string, roleId: string): Promise<void>;
  /**
   * `PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}`. Role 5 (channel admin) needs `channelId`; the
   * body is `{channel: {id}}` then.
   */
  addMemberRole(guildId: string, userId: string, roleId: string, channelId?: string): Promise<void>;
  /** `DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}`, same body rule. */
  removeMemberRole(guildId: string, userId: string, roleId: string, channelId?: string): Promise<void>;
  /** `PATCH /guilds/{guild_id}/mute`: mutes every non-admin member. `{ mute_seconds: 0 }` lifts it. */
  muteGuild(guildId: string, mute: MuteSpec): Promise<void>;
  /** `PATCH /guilds/{guild_id}/members/{user_id}/mute`. */
  muteMember(guildId: string, userId: string, mute: MuteSpec): Promise<void>;
  /** `PATCH /guilds/{guild_id}/mute` with `user_ids`: answers the ids that were muted. */
  muteMembers(guildId: string, userIds: readonly string[], mute: MuteSpec): Promise<{ user_ids: string[] }>;
  /** `POST /guilds/{guild_id}/announces`: a message announcement or recommended channels. */
  createGuildAnnouncement(guildId: string, announce: AnnounceInput): Promise<Announce>;
  /** `DELETE /guilds/{guild_id}/announces/{message_id}`; `'all'` (default) removes any. */
  deleteGuildAnnouncement(guildId: string, messageId?: string): Promise<void>;
  /** `GET /guilds/{guild_id}/api_permission`: which APIs the bot may call in the guild (unwraps `apis`). */
  getApiPermissions(guildId: string): Promise<ApiPermission[]>;
  /** `POST /guilds/{guild_id}/api_permission/demand`: asks the guild's admins for an API permission. */
  requestApiPermission(guildId: string, demand: ApiPermissionDemandInput): Promise<ApiPermissionDemand>;
}

const muteBody = (mute: MuteSpec): Record<string, string> => ({
  ...(mute.mute_seconds !== undefined ? { mute_seconds: String(mute.mute_seconds) } : {}),
  ...(mute.mute_end_timestamp !== undefined ? { mute_end_timestamp: String(mute.mute_end_timestamp) } : {}),
});

/**
 * The guild-level calls over one requester.
 *
 * @example
 * const guilds = await bot.api.getMyGuilds({ limit: 100 });
 * await bot.api.muteMember(guilds[0].id, userId, { mute_seconds: 600 });
 */
export function guildApi(call: ApiRequester): GuildApi {
  const id = encodeURIComponent;
  const get = async <T>(path: string): Promise<T> => (await call({ method: 'GET', path })) as T;
  const send = async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> =>
    (await call({ method, path, ...(body !== undefined ? { body } : {}) })) as T;
  const done = async (method: 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> => {
    await send(method, path, body);
  };
  const memberRole = (guildId: string, userId: string, roleId: string) => `/guilds/${id(guildId)}/members/${id(userId)}/roles/${id(roleId)}`;
  const roleBody = (channelId?: string) => (channelId === undefined ? undefined : { channel: { id: channelId } });

  return {
    getMyGuilds: (options = {}) => get(`/users/@me/guilds${query({ before: options.before, after: options.after, limit: options.limit })}`),
    getGuild: (guildId) => get(`/guilds/${id(guildId)}`),
    getGuildMembers: (guildId, options = {}) => get(`/guilds/${id(guildId)}/members${query({ after: options.after ?? '0', limit: options.limit })}`),
    getGuildMember: (guildId, userId) => get(`/guilds/${id(guildId)}/members/${id(userId)}`),
    removeGuildMember: (guildId, userId, options = {}) => done('DELETE', `/guilds/${id(guildId)}/members/${id(userId)}`, options),
    getRoleMembers: (guildId, roleId, options = {}) =>
      get(`/guilds/${id(guildId)}/roles/${id(roleId)}/members${query({ start_index: options.start_index ?? '0', limit: options.limit })}`),
    getGuildRoles: (guildId) => get(`/guilds/${id(guildId)}/roles`),
    createGuildRole: (guildId, role) => send('POST', `/guilds/${id(guildId)}/roles`, role),
    updateGuildRole: (guildId, roleId, role) => send('PATCH', `/guilds/${id(guildId)}/roles/${id(roleId)}`, role),
    deleteGuildRole: (guildId, roleId) => done('DELETE', `/guilds/${id(guildId)}/roles/${id(roleId)}`),
    addMemberRole: (guildId, userId, roleId, channelId) => done('PUT', memberRole(guildId, userId, roleId), roleBody(channelId)),
    removeMemberRole: (guildId, userId, roleId, channelId) => done('DELETE', memberRole(guildId, userId, roleId), roleBody(channelId)),
    muteGuild: (guildId, mute) => done('PATCH', `/guilds/${id(guildId)}/mute`, muteBody(mute)),
    muteMember: (guildId, userId, mute) => done('PATCH', `/guilds/${id(guildId)}/members/${id(userId)}/mute`, muteBody(mute)),
    muteMembers: (guildId, userIds, mute) => send('PATCH', `/guilds/${id(guildId)}/mute`, { ...muteBody(mute), user_ids: [...userIds] }),
    createGuildAnnouncement: (guildId, announce) => send('POST', `/guilds/${id(guildId)}/announces`, announce),
    deleteGuildAnnouncement: (guildId, messageId = 'all') => done('DELETE', `/guilds/${id(guildId)}/announces/${id(messageId)}`),
    getApiPermissions: async (guildId) => (await get<{ apis: ApiPermission[] }>(`/guilds/${id(guildId)}/api_permission`)).apis,
    requestApiPermission: (guildId, demand) => send('POST', `/guilds/${id(guildId)}/api_permission/demand`, demand),
  };
}
