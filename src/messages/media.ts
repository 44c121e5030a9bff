import type { MediaFileType, MediaSource } from '../rest/message-types.js';
import type { ReplyMedia } from '../rest/reply.js';
import { QQMessageError } from './errors.js';

/**
 * Where media comes from: an `http(s)://` URL (the platform fetches it), bytes (a Buffer or Uint8Array, uploaded
 * as base64 `file_data`), or a local file path (read when the message is sent). A plain string that is not an
 * http(s) URL is taken as a file path; use `{ url }` or `{ path }` to say which explicitly.
 */
export type MediaInput = string | Buffer | Uint8Array | { url: string } | { path: string } | { data: Buffer | Uint8Array };

/** `file_type` values (QQ docs send-receive/rich-media.md). */
export const MediaKind = { image: 1, video: 2, voice: 3, file: 4 } as const satisfies Record<string, MediaFileType>;

/** Normalises a {@link MediaInput} into the `{url} | {data} | {path}` source the REST client takes. */
export function mediaSource(input: MediaInput): MediaSource {
  if (typeof input === 'string') {
    if (input === '') throw new QQMessageError('media', 'needs a URL, a file path or bytes');
    return /^https?:\/\//i.test(input) ? { url: input } : { path: input.startsWith('file://') ? new URL(input).pathname : input };
  }
  if (input instanceof Uint8Array) return { data: input };
  if ('url' in input && typeof input.url === 'string') return { url: input.url };
  if ('path' in input && typeof input.path === 'string') return { path: input.path };
  if ('data' in input && input.data instanceof Uint8Array) return { data: input.data };
  throw new QQMessageError('media', 'needs a URL, a file path or bytes');
}

function media(kind: MediaFileType, input: MediaInput, caption?: string): ReplyMedia {
  return { ...mediaSource(input), file_type: kind, ...(caption !== undefined ? { content: caption } : {}) } as ReplyMedia;
}

/**
 * An image (png/jpg) for `event.replyMedia()`. C2C/group: uploaded, then sent as msg_type 7. Guild/DM: a URL
 * goes as `image`, bytes or a file as multipart `file_image`.
 *
 * @example
 * await event.replyMedia(image('https://example.com/cat.png'));
 * await event.replyMedia(image('./assets/cat.png', '今日猫猫'));
 * await event.replyMedia(image(pngBuffer));
 */
export function image(input: MediaInput, caption?: string): ReplyMedia {
  return media(MediaKind.image, input, caption);
}

/**
 * A video (mp4), C2C/group only.
 *
 * @example
 * await event.replyMedia(video('https://example.com/clip.mp4'));
 */
export function video(input: MediaInput, caption?: string): ReplyMedia {
  return media(MediaKind.video, input, caption);
}

/**
 * A voice message (silk format), C2C/group only.
 *
 * @example
 * await event.replyMedia(voice('./hello.silk'));
 */
export function voice(input: MediaInput, caption?: string): ReplyMedia {
  return media(MediaKind.voice, input, caption);
}

/**
 * A file, C2C/group only ("not open yet" in the docs; SDKs send it).
 *
 * @example
 * await event.replyMedia(file('./report.pdf'));
 */
export function file(input: MediaInput, caption?: string): ReplyMedia {
  return media(MediaKind.file, input, caption);
}
