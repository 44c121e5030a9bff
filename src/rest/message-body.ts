import { QQMessageError } from '../messages/errors.js';
import type { LoadedMediaSource } from './media-source.js';
import type { ChannelMessageBody, MediaFileType, MessageBody } from './message-types.js';

/**
 * The wire body of a C2C/group send. A plain string is a text message. A media message (msg_type 7) gets
 * `content: ' '` when it has none, because the platform rejects msg_type 7 with empty content (reference §9.2).
 *
 * @example
 * toMessageBody('hi');                                   // { msg_type: 0, content: 'hi' }
 * toMessageBody({ msg_type: 7, media: { file_info } });  // { msg_type: 7, media: { file_info }, content: ' ' }
 */
export function toMessageBody(input: string | MessageBody): MessageBody {
  if (typeof input === 'string') return { msg_type: 0, content: input };
  if (input.msg_type === 7 && !input.content) return { ...input, content: ' ' };
  return input;
}

/**
 * The wire body of a guild channel / DM send. A plain string is `{ content }`. A body made for C2C/group (a
 * builder's output, with `msg_type`) loses `msg_type` and `msg_seq`, which channel bodies do not have; a
 * msg_type 7 `media` body cannot be sent here (`file_info` is C2C/group only, reference §9.6).
 *
 * @example
 * toChannelMessageBody('hi');          // { content: 'hi' }
 * toChannelMessageBody(markdown('**x**')); // { markdown: { content: '**x**' } }
 */
export function toChannelMessageBody(input: string | ChannelMessageBody | MessageBody): ChannelMessageBody {
  if (typeof input === 'string') return { content: input };
  if (!('msg_type' in input)) return input;
  if (input.msg_type === 7) {
    throw new QQMessageError('media', 'with file_info is C2C/group only; guild channels and DMs take `image` (a URL) or `file_image` (bytes)');
  }
  const { msg_type: _type, msg_seq: _seq, ...channel } = input as MessageBody & { msg_seq?: number };
  return channel as ChannelMessageBody;
}

/** The wire body of `POST /v2/users|groups/{id}/files` (reference §9.6). */
export interface MediaUploadWireBody {
  file_type: number;
  srv_send_msg: boolean;
  url?: string;
  file_data?: string;
}

/**
 * The wire body of a rich-media upload. Bytes go as base64 `file_data`; `srv_send_msg` defaults to false so the
 * upload does not spend active-message quota (reference §9.6).
 *
 * @example
 * toMediaUploadBody({ file_type: 1, data: png }); // { file_type: 1, srv_send_msg: false, file_data: 'iVBOR…' }
 */
export function toMediaUploadBody(upload: LoadedMediaSource & { file_type: MediaFileType; srv_send_msg?: boolean }): MediaUploadWireBody {
  const body: MediaUploadWireBody = { file_type: upload.file_type, srv_send_msg: upload.srv_send_msg ?? false };
  if (upload.data !== undefined) body.file_data = Buffer.from(upload.data.buffer, upload.data.byteOffset, upload.data.byteLength).toString('base64');
  else body.url = upload.url;
  return body;
}
