/**
 * Reads a C2C/group send body (reference §9.2) into the fields the rules need, rejecting malformed ones.
 * msg_type: 0 text, 2 markdown, 3 ark, 4 embed, 7 media, and 6 input-notify in C2C only (botgo `InputNotifyMsg`).
 * 1 and 5 are SDK-only and UNCONFIRMED (reference §9.2), so they are refused like any unknown type.
 * An absent (or null) msg_type is read from the body (`inferMsgType`): botgo declares
 * ``MsgType int `json:"msg_type,omitempty"` `` with "0: 文字消息", so every botgo text message omits it and the platform
 * accepts it; qq-official-bot omits it for text and for active media; qqbot-nodejs `send()` omits it unless asked.
 * The SDK audit behind each rule is the table in docs/emulator.md ("What real SDKs send").
 */
import { isInteger, isJsonObject, isNonEmptyString, withoutNulls, type JsonObject } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { checkArk, checkEmbed, checkKeyboard, checkMarkdown } from './rich-content.js';

export interface V2Message {
  body: JsonObject;
  msgType: number;
  msgId: string | undefined;
  eventId: string | undefined;
  /** msg_seq, 1 when absent (the documented default). */
  msgSeq: number;
  /** `media.file_info` of a msg_type 7 message. */
  fileInfo: string | undefined;
}

const MSG_TYPES = { c2c: [0, 2, 3, 4, 6, 7], group: [0, 2, 3, 4, 7] } as const;

export function readV2MessageBody(scene: 'c2c' | 'group', raw: unknown): V2Message {
  if (!isJsonObject(raw)) reject(restErrors.badBody);
  const body = withoutNulls(raw);
  for (const key of ['content', 'msg_id', 'event_id'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') reject(restErrors.badBody);
  }
  if (body.msg_seq !== undefined && (!isInteger(body.msg_seq) || body.msg_seq < 0)) reject(restErrors.badBody);
  const msgType = body.msg_type ?? inferMsgType(body);
  if (!isInteger(msgType) || !(MSG_TYPES[scene] as readonly number[]).includes(msgType)) reject(restErrors.invalidMsgType);

  checkContentFor(msgType, body);
  if (body.keyboard !== undefined) checkKeyboard(body.keyboard);

  return {
    body,
    msgType,
    // An empty id is no id: SDKs send `msg_id: ""` for active messages.
    msgId: isNonEmptyString(body.msg_id) ? body.msg_id : undefined,
    eventId: isNonEmptyString(body.event_id) ? body.event_id : undefined,
    msgSeq: isInteger(body.msg_seq) ? body.msg_seq : 1,
    fileInfo: msgType === 7 ? ((body.media as JsonObject).file_info as string) : undefined,
  };
}

/**
 * The msg_type of a body that names none: the kind of its rich part, else text. This is the rule qqbot-nodejs
 * documents for `send()` (markdown → 2, ark → 3, embed → 4, media → 7, otherwise 0); for a plain text body it is
 * botgo's zero value.
 */
export function inferMsgType(body: JsonObject): number {
  if (body.markdown !== undefined) return 2;
  if (body.ark !== undefined) return 3;
  if (body.embed !== undefined) return 4;
  if (body.media !== undefined) return 7;
  return 0;
}

function checkContentFor(msgType: number, body: JsonObject): void {
  const content = typeof body.content === 'string' ? body.content : '';
  switch (msgType) {
    case 0:
      if (content.trim() === '') reject(restErrors.emptyMessage);
      return;
    case 2:
      // NoneBot (`bot.py` send_to_c2c) and qq-official-bot (`message/builder.js` handleKeyboard) send msg_type 2
      // for a keyboard without markdown, so a keyboard alone is enough.
      if (body.markdown === undefined && body.keyboard === undefined) reject(restErrors.typeContentMismatch);
      // Docs: "填写此字段后 content/ark 必须全为空"; an empty content string is tolerated.
      if (content !== '' || body.ark !== undefined) reject(restErrors.markdownOnly);
      if (body.markdown !== undefined) checkMarkdown(body.markdown);
      return;
    case 3:
      if (body.ark === undefined) reject(restErrors.typeContentMismatch);
      checkArk(body.ark);
      return;
    case 4:
      if (body.embed === undefined) reject(restErrors.typeContentMismatch);
      checkEmbed(body.embed);
      return;
    case 6:
      checkInputNotify(body.input_notify);
      return;
    case 7:
      if (!isJsonObject(body.media) || !isNonEmptyString(body.media.file_info)) reject(restErrors.typeContentMismatch);
      // No content needed: reference §9.2 calls `content: " "` a platform quirk, but NoneBot dropped the space in
      // 2025 (nonebot/adapter-qq#167 "修复 media 会自动加上空格") and qq-official-bot sends `content: ""`.
      return;
  }
}

/** `{input_type: 1, input_second: 1..60}` (the commented-out docs rows quoted in reference §9.2). */
function checkInputNotify(notify: unknown): void {
  if (notify === undefined) reject(restErrors.typeContentMismatch);
  if (!isJsonObject(notify) || !isInteger(notify.input_type)) reject(restErrors.badBody);
  const seconds = notify.input_second;
  if (seconds !== undefined && (!isInteger(seconds) || seconds < 1 || seconds > 60)) reject(restErrors.badBody);
}
