import type { Secret } from '../secret.js';
import { createApiRequester, type HttpMethod, type RestLogger } from './api-request.js';
import { channelApi, type ChannelApi } from './channel-api.js';
import { guildApi, type GuildApi } from './guild-api.js';
import { loadMediaSource } from './media-source.js';
import { toChannelMessageBody, toMediaUploadBody, toMessageBody } from './message-body.js';
import { toMultipartBody } from './multipart.js';
import type {
  BotUser,
  ChannelMessageBody,
  DirectMessageSession,
  DirectMessageSessionRequest,
  GuildMessage,
  InteractionResult,
  MediaUpload,
  MediaUploadResult,
  MessageBody,
  MessageSendResult,
} from './message-types.js';

export interface RestClientOptions {
  /** e.g. `https://api.sgroup.qq.com`, or `emu.apiBase`. */
  apiBase: string;
  appId: string;
  /** Returns a valid access token; `forceRefresh` after a 401/11244. Provided by the bot (token machine). */
  getToken(options?: { forceRefresh?: boolean }): Promise<Secret>;
  /** Per attempt. Default 10 000 (the docs ask for ≥ 5 s on sends). */
  timeoutMs?: number;
  /** Retries of GET / DELETE / PUT /interactions on 429, 5xx and network failures. Default 2. Sends are never retried. */
  retries?: number;
  /** Gets method, path, status and trace id, never the token. */
  logger?: RestLogger;
  /** How backoff waits; inject a recorder in tests. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RecallOptions {
  /** Hide the "message recalled" tip (guild channels and DMs). */
  hidetip?: boolean;
}

/**
 * The typed QQ REST API: messages for every scene, and the guild surface (`GuildApi`,
 * `ChannelApi`). Every method throws `QQApiError` on failure. docs/rest.md lists each endpoint with its scene rules.
 */
export interface RestClient extends GuildApi, ChannelApi {
  /** `POST /v2/users/{openid}/messages`. A string is a text message. */
  sendC2CMessage(openid: string, body: string | MessageBody): Promise<MessageSendResult>;
  /** `POST /v2/groups/{group_openid}/messages`. */
  sendGroupMessage(groupOpenid: string, body: string | MessageBody): Promise<MessageSendResult>;
  /**
   * `POST /channels/{channel_id}/messages`. A builder's body (with `msg_type`) is accepted and converted; a
   * `file_image` makes it a multipart/form-data send.
   */
  sendChannelMessage(channelId: string, body: string | ChannelMessageBody | MessageBody): Promise<GuildMessage>;
  /** `POST /dms/{guild_id}/messages`; `guildId` is the DM session's guild. Same bodies as `sendChannelMessage`. */
  sendDirectMessage(guildId: string, body: string | ChannelMessageBody | MessageBody): Promise<GuildMessage>;
  /** `POST /users/@me/dms`: opens a DM with a member of a guild the bot shares. */
  createDirectMessageSession(request: DirectMessageSessionRequest): Promise<DirectMessageSession>;
  /** `DELETE /v2/users/{openid}/messages/{message_id}` (≤ 2 min after sending). */
  recallC2CMessage(openid: string, messageId: string): Promise<void>;
  /** `DELETE /v2/groups/{group_openid}/messages/{message_id}` (≤ 2 min after sending). */
  recallGroupMessage(groupOpenid: string, messageId: string): Promise<void>;
  /** `DELETE /channels/{channel_id}/messages/{message_id}?hidetip=`. */
  recallChannelMessage(channelId: string, messageId: string, options?: RecallOptions): Promise<void>;
  /** `DELETE /dms/{guild_id}/messages/{message_id}?hidetip=`. */
  recallDirectMessage(guildId: string, messageId: string, options?: RecallOptions): Promise<void>;
  /** `POST /v2/users/{openid}/files`: upload for a C2C media message (msg_type 7). */
  uploadC2CMedia(openid: string, upload: MediaUpload): Promise<MediaUploadResult>;
  /** `POST /v2/groups/{group_openid}/files`: upload for a group media message. */
  uploadGroupMedia(groupOpenid: string, upload: MediaUpload): Promise<MediaUploadResult>;
  /** `PUT /interactions/{interaction_id}` `{code}`; 0 = success (QQ docs message/trans/msg-btn.md). Ack every button click. */
  acknowledgeInteraction(interactionId: string, code?: InteractionResult): Promise<void>;
  /** `GET /users/@me`: the bot's own user. */
  getMe(): Promise<BotUser>;
  /** Any other endpoint. `path` is relative to the API base and may carry a query string; ids must be encoded. */
  request<T = unknown>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
}

/**
 * Creates the REST client. It adds `Authorization: QQBot <token>`, `X-Union-Appid` and a User-Agent to every
 * call, refreshes the token once when the platform rejects it, retries only calls that are safe to repeat, and
 * turns every error body (including 201/202 "async" ones and audit notices) into a typed `QQApiError`.
 *
 * @example
 * const client = createRestClient({ apiBase: 'https://api.sgroup.qq.com', appId, getToken: () => tokens.current() });
 * const sent = await client.sendC2CMessage(openid, { msg_type: 0, content: 'hello', msg_id, msg_seq: 1 });
 * console.log(sent.id);
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const call = createApiRequester(options);
  const id = encodeURIComponent;

  const post = async <T>(path: string, body: unknown): Promise<T> => (await call({ method: 'POST', path, body })) as T;
  const remove = async (path: string): Promise<void> => {
    await call({ method: 'DELETE', path });
  };
  const hidetip = (recall?: RecallOptions): string => (recall?.hidetip === undefined ? '' : `?hidetip=${recall.hidetip}`);
  const sendGuild = (path: string, input: string | ChannelMessageBody | MessageBody): Promise<GuildMessage> => {
    const { file_image: image, ...fields } = toChannelMessageBody(input);
    return post(path, image === undefined ? fields : toMultipartBody(fields, image));
  };
  const upload = async (path: string, request: MediaUpload): Promise<MediaUploadResult> =>
    post(path, toMediaUploadBody({ ...(await loadMediaSource(request)), file_type: request.file_type, ...(request.srv_send_msg !== undefined ? { srv_send_msg: request.srv_send_msg } : {}) }));

  return {
    sendC2CMessage: (openid, body) => post(`/v2/users/${id(openid)}/messages`, toMessageBody(body)),
    sendGroupMessage: (groupOpenid, body) => post(`/v2/groups/${id(groupOpenid)}/messages`, toMessageBody(body)),
    sendChannelMessage: (channelId, body) => sendGuild(`/channels/${id(channelId)}/messages`, body),
    sendDirectMessage: (guildId, body) => sendGuild(`/dms/${id(guildId)}/messages`, body),
    createDirectMessageSession: (request) => post('/users/@me/dms', request),
    recallC2CMessage: (openid, messageId) => remove(`/v2/users/${id(openid)}/messages/${id(messageId)}`),
    recallGroupMessage: (groupOpenid, messageId) => remove(`/v2/groups/${id(groupOpenid)}/messages/${id(messageId)}`),
    recallChannelMessage: (channelId, messageId, recall) => remove(`/channels/${id(channelId)}/messages/${id(messageId)}${hidetip(recall)}`),
    recallDirectMessage: (guildId, messageId, recall) => remove(`/dms/${id(guildId)}/messages/${id(messageId)}${hidetip(recall)}`),
    uploadC2CMedia: (openid, request) => upload(`/v2/users/${id(openid)}/files`, request),
    uploadGroupMedia: (groupOpenid, request) => upload(`/v2/groups/${id(groupOpenid)}/files`, request),
    acknowledgeInteraction: async (interactionId, code = 0) => {
      await call({ method: 'PUT', path: `/interactions/${id(interactionId)}`, body: { code } });
    },
    getMe: async () => (await call({ method: 'GET', path: '/users/@me' })) as BotUser,
    request: async <T>(method: HttpMethod, path: string, body?: unknown) => (await call({ method, path, body })) as T,
    ...guildApi(call),
    ...channelApi(call),
  };
}
