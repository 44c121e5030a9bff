/**
 * The typed QQ REST client and the passive-reply rules (reference §2, §9). See docs/rest.md.
 */
export { createRestClient, type RestClient, type RestClientOptions, type RecallOptions } from './client.js';
export { restDefaults, type RestLogger, type HttpMethod } from './api-request.js';
export { QQApiError, QQMessageAuditError, QQReplyRuleError, type ApiErrorDetails, type ReplyRule, type ReplyRuleDetails } from './errors.js';
export { platformCodeTable, describePlatformCode, tokenExpiredCodes, messageAuditCodes, type PlatformCodeInfo } from './error-codes.js';
export { retryDefaults, isRetrySafe } from './retry-policy.js';
export { toMessageBody, toChannelMessageBody, toMediaUploadBody } from './message-body.js';
export * from './message-types.js';
export {
  ChannelType,
  ChannelPermission,
  SystemRoleId,
  type GuildChannel,
  type ChannelCreate,
  type ChannelUpdate,
  type ChannelPermissions,
  type ChannelPermissionsUpdate,
  type MemberListOptions,
  type RoleMemberListOptions,
  type RoleMemberList,
  type MemberRemoveOptions,
  type Role,
  type GuildRoles,
  type RoleInput,
  type RoleCreateResult,
  type RoleUpdateResult,
  type MuteSpec,
  type Announce,
  type AnnounceInput,
  type RecommendChannel,
  type Schedule,
  type ScheduleInput,
  type Emoji,
  type ReactionUsers,
  type ReactionUserListOptions,
  type PinsMessage,
  type AudioControl,
  type Thread,
  type ThreadInfo,
  type ThreadList,
  type ThreadInput,
  type ThreadCreateResult,
  type ApiPermission,
  type ApiPermissionDemand,
  type ApiPermissionDemandInput,
} from './guild-types.js';
export { guildApi, type GuildApi, type MyGuildListOptions } from './guild-api.js';
export { channelApi, type ChannelApi } from './channel-api.js';
export { replyRules, acceptsEventId, type ReplyScene, type SceneReplyRule } from '../protocol/reply-rules.js';
export {
  createReply,
  createReplyContext,
  formatDuration,
  type Reply,
  type ReplyBody,
  type ReplyMedia,
  type ReplyContext,
  type ReplyContextOptions,
  type PassiveReplyFields,
  type ReplyAllowance,
} from './reply.js';
