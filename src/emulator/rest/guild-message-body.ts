/**
 * Reads a guild channel / DM send body (reference §9.2 "Channel bodies"): JSON, or multipart/form-data with an
 * uploaded `file_image`. At least one of content/embed/ark/image/markdown (or a file_image) is required.
 */
import type { RouteContext } from '../http-router.js';
import { isJsonObject, isNonEmptyString, withoutNulls, type JsonObject } from './json.js';
import { isMultipart, parseMultipart, type FormFile } from './multipart.js';
import { reject, restErrors } from './rest-errors.js';
import { checkArk, checkEmbed, checkKeyboard, checkMarkdown } from './rich-content.js';

export interface GuildMessageInput {
  /** The body as an object; for multipart, the fields (JSON ones parsed) and `file_image` as `{filename, bytes}`. */
  body: JsonObject;
  content: string | undefined;
  msgId: string | undefined;
  eventId: string | undefined;
  fileImage: FormFile | undefined;
}

/** Multipart fields that carry JSON objects, as SDKs send them (botpy, botgo `PostFormData`). */
const JSON_FIELDS = ['embed', 'ark', 'markdown', 'keyboard', 'message_reference'];

export function readGuildMessageBody(ctx: RouteContext): GuildMessageInput {
  const { body, fileImage } = readBody(ctx);
  for (const key of ['content', 'image', 'msg_id', 'event_id'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') reject(restErrors.badBody);
  }
  const hasSomething =
    isNonEmptyString(body.content) || isNonEmptyString(body.image) || fileImage !== undefined ||
    body.embed !== undefined || body.ark !== undefined || body.markdown !== undefined;
  if (!hasSomething) reject(restErrors.emptyMessage);
  if (body.markdown !== undefined) checkMarkdown(body.markdown);
  if (body.keyboard !== undefined) checkKeyboard(body.keyboard);
  if (body.ark !== undefined) checkArk(body.ark);
  if (body.embed !== undefined) checkEmbed(body.embed);
  if (body.message_reference !== undefined && (!isJsonObject(body.message_reference) || !isNonEmptyString(body.message_reference.message_id))) {
    reject(restErrors.badBody);
  }
  return {
    body,
    content: typeof body.content === 'string' ? body.content : undefined,
    msgId: isNonEmptyString(body.msg_id) ? body.msg_id : undefined,
    eventId: isNonEmptyString(body.event_id) ? body.event_id : undefined,
    fileImage,
  };
}

function readBody(ctx: RouteContext): { body: JsonObject; fileImage: FormFile | undefined } {
  const contentType = ctx.headers['content-type'];
  if (!isMultipart(contentType)) {
    if (!isJsonObject(ctx.body)) reject(restErrors.badBody);
    return { body: withoutNulls(ctx.body), fileImage: undefined };
  }
  const form = parseMultipart(ctx.rawBody, contentType ?? '');
  if (!form) reject(restErrors.badFormBody);
  const body: JsonObject = {};
  for (const [name, value] of form.fields) body[name] = JSON_FIELDS.includes(name) ? parseJsonField(value) : value;
  const fileImage = form.files.get('file_image');
  if (fileImage) body.file_image = { filename: fileImage.filename, bytes: fileImage.data.length };
  return { body, fileImage };
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return reject(restErrors.badFormBody);
  }
}
