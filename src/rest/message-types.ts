/**
 * Request and response shapes of the message endpoints (reference §9). Ids are strings everywhere: they are
 * uint64 values that a JS number would round (reference §2.1).
 */

/** `msg_type` values (reference §9.2). 1, 5 and 6 are seen in SDKs but unconfirmed, so they are left out. */
export const MsgType = { text: 0, markdown: 2, ark: 3, embed: 4, media: 7 } as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/** A markdown body: raw content, or a console template with its parameters. */
export type Markdown =
  | { content: string }
  | { custom_template_id: string; params?: Array<{ key: string; values: string[] }> };

/**
 * One button (QQ docs message/trans/msg-btn.md). The platform requires `render_data.{label, visited_label,
 * style}` and `action.{type, permission, data, unsupport_tips}`; the builders `callbackButton`, `linkButton`
 * and `commandButton` fill them with sensible defaults.
 */
export interface KeyboardButton {
  /** Unique within the keyboard; `keyboard()` numbers buttons that have none. */
  id?: string;
  render_data: {
    label: string;
    /** Label after a click. */
    visited_label: string;
    /** 0 grey outline, 1 blue outline. */
    style?: number;
  };
  action: {
    /** 0 jump (URL), 1 callback (INTERACTION_CREATE), 2 command. */
    type: number;
    /** 0 specified users, 1 managers, 2 everyone, 3 specified roles (guild). */
    permission: { type: number; specify_user_ids?: string[]; specify_role_ids?: string[] };
    /** The URL (jump), the callback data (`button_data`), or the command text. */
    data: string;
    /** Command buttons: quote the message. */
    reply?: boolean;
    /** Command buttons: send at once. */
    enter?: boolean;
    /** Command buttons: 1 opens the picture picker. */
    anchor?: number;
    /** Deprecated by the platform. */
    click_limit?: number;
    /** Toast for clients too old for buttons; required by the docs. */
    unsupport_tips?: string;
  };
}

/** A keyboard: a console template id, or at most 5 rows of 5 buttons. */
export type Keyboard = { id: string } | { content: { rows: Array<{ buttons: KeyboardButton[] }> } };

export interface Ark {
  template_id: number;
  kv: Array<{ key: string; value?: string; obj?: Array<{ obj_kv: Array<{ key: string; value: string }> }> }>;
}

export interface Embed {
  title?: string;
  prompt?: string;
  thumbnail?: { url: string };
  fields?: Array<{ name: string }>;
}

export interface MessageReference {
  message_id: string;
  ignore_get_message_error?: boolean;
}

/** Fields every C2C/group body may carry. `msg_id`/`event_id` make the send passive (reference §9.3). */
export interface MessageBodyCommon {
  keyboard?: Keyboard;
  /** Passive reply to this user message (`d.id`). */
  msg_id?: string;
  /** Passive reply keyed on an event (the envelope `id`). */
  event_id?: string;
  /** The n-th reply to the same msg_id/event_id; the same pair twice is rejected (reference §9.5). */
  msg_seq?: number;
  message_reference?: MessageReference;
}

export interface TextMessageBody extends MessageBodyCommon {
  msg_type: 0;
  content: string;
}

export interface MarkdownMessageBody extends MessageBodyCommon {
  msg_type: 2;
  markdown: Markdown;
  content?: string;
}

export interface ArkMessageBody extends MessageBodyCommon {
  msg_type: 3;
  ark: Ark;
  content?: string;
}

export interface EmbedMessageBody extends MessageBodyCommon {
  msg_type: 4;
  embed: Embed;
  content?: string;
}

export interface MediaMessageBody extends MessageBodyCommon {
  msg_type: 7;
  /** `file_info` from an upload to the same scene (reference §9.6). */
  media: { file_info: string };
  /** Must not be empty with msg_type 7 (platform quirk); the client sends `' '` when it is missing. */
  content?: string;
}

/** A C2C or group message body, discriminated on `msg_type` (reference §9.2). */
export type MessageBody = TextMessageBody | MarkdownMessageBody | ArkMessageBody | EmbedMessageBody | MediaMessageBody;

/**
 * A guild channel / DM body (reference §9.2, post_messages.md). No `msg_type`: the fields present decide. At
 * least one of content, embed, ark, image, markdown is required.
 */
export interface ChannelMessageBody {
  content?: string;
  embed?: Embed;
  ark?: Ark;
  /** An image URL. */
  image?: string;
  /** A local image; the send goes out as multipart/form-data with this as `file_image` (reference §9.1). */
  file_image?: Buffer | Uint8Array;
  markdown?: Markdown;
  keyboard?: Keyboard;
  message_reference?: MessageReference;
  msg_id?: string;
  event_id?: string;
}

/** `POST /v2/users|groups/{id}/messages` answer. `timestamp` is an RFC 3339 string in captures, int per the docs. */
export interface MessageSendResult {
  id: string;
  timestamp: string | number;
  ext_info?: { ref_idx?: string };
}

export interface GuildUser {
  id: string;
  username: string;
  avatar?: string;
  bot?: boolean;
}

/** A guild message object: what `POST /channels/{id}/messages` and `POST /dms/{id}/messages` answer. */
export interface GuildMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  content?: string;
  timestamp: string;
  author: GuildUser;
  tts?: boolean;
  mention_everyone?: boolean;
  pinned?: boolean;
  type?: number;
  flags?: number;
  seq_in_channel?: string;
  embeds?: Embed[];
}

/** What any send answers: both shapes carry `id` and `timestamp`. */
export type SendResult = MessageSendResult | GuildMessage;

/** `POST /users/@me/dms` (reference §9.1). */
export interface DirectMessageSessionRequest {
  recipient_id: string;
  source_guild_id: string;
}

export interface DirectMessageSession {
  guild_id: string;
  channel_id: string;
  create_time: string;
}

/** `file_type` of a rich-media upload: 1 image (png/jpg), 2 video (mp4), 3 voice (silk), 4 file (reference §9.6). */
export type MediaFileType = 1 | 2 | 3 | 4;

/**
 * What to upload: a URL the platform fetches, bytes sent as base64 `file_data` (SDK practice, unconfirmed in
 * docs), or a local file path the client reads into bytes first.
 */
export type MediaSource =
  | { url: string; data?: never; path?: never }
  | { data: Buffer | Uint8Array; url?: never; path?: never }
  | { path: string; url?: never; data?: never };

export type MediaUpload = MediaSource & {
  file_type: MediaFileType;
  /** true sends the media at once and uses active-message quota; default false (upload only). */
  srv_send_msg?: boolean;
};

/** Upload answer: `ttl` seconds until `file_info` expires, 0 = long-lived; `id` only with srv_send_msg. */
export interface MediaUploadResult {
  file_uuid: string;
  file_info: string;
  ttl: number;
  id?: string;
}

/** `GET /users/@me`. */
export interface BotUser {
  id: string;
  username: string;
  avatar?: string;
  bot?: boolean;
  union_openid?: string;
  union_user_account?: string;
}

/** Interaction result codes for `PUT /interactions/{id}` (reference §9.7). */
export const InteractionResult = { success: 0, failed: 1, tooFrequent: 2, duplicate: 3, noPermission: 4, adminOnly: 5 } as const;
export type InteractionResult = (typeof InteractionResult)[keyof typeof InteractionResult];
