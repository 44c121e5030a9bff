/**
 * Every business error the REST endpoints answer, as data: code, message, HTTP status and where it comes from.
 * Bodies have the platform's shape `{message, code, err_code, trace_id}` (reference §2.3), and the response's
 * `X-Tps-trace-ID` header carries the same trace id as the body, as on the real platform.
 *
 * Sources, per entry:
 * - CAPTURED: a real response body published by a user (the message text is verbatim).
 * - DOCS: tencent-connect/bot-docs `openapi/error/error.md` (the guild-era global code table, reference §0 [DOCS]).
 * - DOCS-2026: the per-endpoint error tables of the 2026 autogen API pages
 *   (bot.q.qq.com/wiki/develop/api-v2/autogen/api/…), read through public transcriptions; several of these codes are
 *   also seen in field logs (noted). Not in reference.md, which predates them.
 * - CHOSEN: no source pins the code for this exact case; the closest documented code was picked. UNCONFIRMED.
 * HTTP 400 for every business error: the captures of 40034024 and 40034005 came with 400; the rest is assumed.
 */
import type { RouteResult } from '../http-router.js';
import { platformError } from '../platform-errors.js';

export interface RestErrorSpec {
  readonly code: number;
  readonly message: string;
  readonly status: number;
}

const error = (code: number, message: string, status = 400): RestErrorSpec => ({ code, message, status });

export const restErrors = {
  // ---- bodies ------------------------------------------------------------------------------------------------
  /** DOCS 12002 RequestInvalid. CHOSEN for bodies that are not objects or have fields of the wrong type. */
  badBody: error(12002, '请求体错误'),
  /** DOCS 50035 InvalidFormBody: a multipart body we cannot read. */
  badFormBody: error(50035, 'form-data 内容异常'),
  /** DOCS-2026 340069 (group send page). CHOSEN also for a missing msg_type and for C2C. */
  invalidMsgType: error(340069, '消息类型无效'),
  /** DOCS-2026 22006: msg_type names a field (markdown, ark, embed, media, input_notify) that is missing. */
  typeContentMismatch: error(22006, '消息类型与内容不匹配'),
  /** DOCS 50006 CannotSendEmptyMessage: text without content, a guild message with nothing in it. */
  emptyMessage: error(50006, '消息为空'),
  /** DOCS 50037: markdown may only be combined with a keyboard (no content, no ark). */
  markdownOnly: error(50037, '带有markdown消息只支持 markdown 或者 keyboard 组合'),
  /** DOCS 50057: markdown `content` and `custom_template_id` are exclusive. */
  markdownEitherOr: error(50057, 'markdown 参数只支持原生语法或者模版二选一'),
  /** DOCS-2026 40034124. */
  markdownInvalid: error(40034124, 'markdown消息参数错误'),
  /** DOCS-2026 40034011. */
  markdownContentInvalid: error(40034011, '无效的markdown内容'),
  /** DOCS-2026 40034008. */
  markdownEmptyParam: error(40034008, 'markdown参数有空值'),
  /** DOCS 304039. */
  keyboardInvalid: error(304039, '消息按钮组件解析错误'),
  /** DOCS-2026 40034029 (more than 5 rows or 5 buttons in a row, reference §9.2). */
  keyboardTooLarge: error(40034029, '内联键盘行/列超限'),
  /** DOCS-2026 304080: file_info unknown, expired, or uploaded in the other scene (reference §9.6). */
  fileInfoInvalid: error(304080, '文件信息无效'),

  // ---- passive replies, C2C and group ------------------------------------------------------------------------
  /** CAPTURED (AstrBot issue #6931, HTTP 400) and DOCS-2026: unknown msg_id, or one from another scene/target. */
  msgIdInvalid: error(40034024, '请求参数msg_id无效或越权'),
  /** DOCS-2026 and field logs (hermes-agent #43467, HTTP 400). The docs' 304027 is never seen for groups/C2C. */
  msgIdExpired: error(40034005, '回复消息msg_id已过期'),
  /** DOCS-2026 40034025. */
  eventIdInvalid: error(40034025, '请求参数event_id无效'),
  /** DOCS-2026 40034026. */
  eventIdExpired: error(40034026, '请求参数event_id已过期'),
  /** CAPTURED verbatim: samples/error_event_id_not_replyable.captured.json. */
  eventNotReplyable: error(40034027, '请求参数event_id对应事件不能回复消息'),
  /** DOCS-2026 40034128 and field logs: more than the allowed replies to one msg_id/event_id. */
  replyLimitExceeded: error(40034128, '被动回复时间或次数超限'),
  /** Field reports (peer-sdks.md §3 item 10; nanobot PR #1499 screenshot text): repeated (msg_id, msg_seq). */
  deduplicated: error(40054005, '消息被去重，请检查请求msgseq'),
  /** Field logs (message text verbatim) and DOCS-2026 40034105: active message refused. */
  activeMessageForbidden: error(40034105, '主动消息失败, 无权限'),

  // ---- passive replies, guild channel and DM (the guild-era codes, reference §2.3) ---------------------------
  /** DOCS 304026 MSG_ID. */
  guildMsgIdInvalid: error(304026, '回复的消息 id 错误'),
  /** DOCS 304027 MSG_EXPIRE. */
  guildMsgExpired: error(304027, '回复的消息过期'),

  // ---- rich media --------------------------------------------------------------------------------------------
  /** DOCS-2026 850019 (upload pages). */
  unsupportedFileType: error(850019, '不支持的文件格式'),
  /** DOCS-2026 850026: the url is not http(s), or file_data is not base64. CHOSEN for the latter. */
  fileFetchFailed: error(850026, '下载原始文件失败'),
  /** DOCS-2026 10000: the chunked-upload merge (`upload_id`), which the emulator does not implement. */
  unsupportedOperation: error(10000, '不支持的操作'),

  // ---- recall ------------------------------------------------------------------------------------------------
  /** DOCS-2026 40061002 (C2C recall page). CHOSEN also for groups: unknown or already recalled message id. */
  recallMsgIdInvalid: error(40061002, '请求参数msgid无效'),
  /** DOCS-2026 40064004 and field use; the older docs table has 306011 for the same rule. */
  recallWindowExceeded: error(40064004, '已超出消息撤回时限'),
  /** DOCS 306002: unknown guild/DM message id. */
  guildRecallMsgIdInvalid: error(306002, 'msgid error 消息 id 错误'),

  // ---- interactions ------------------------------------------------------------------------------------------
  /** DOCS 630001 (the interaction-callback range). CHOSEN for a bad `code` and for an unknown interaction id. */
  interactionInvalid: error(630001, '互动回调数据更新无效参数'),
} as const satisfies Record<string, RestErrorSpec>;

export type RestErrorName = keyof typeof restErrors;

/** Thrown by validators and rules; the route wrapper turns it into the error response. */
export class RestRejection extends Error {
  constructor(readonly spec: RestErrorSpec) {
    super(`${spec.code} ${spec.message}`);
    this.name = 'RestRejection';
  }
}

export function reject(spec: RestErrorSpec): never {
  throw new RestRejection(spec);
}

/** The platform's error response; the header repeats the body's trace id so logs and bodies agree. */
export function errorResult(spec: RestErrorSpec): RouteResult {
  const body = platformError(spec.code, spec.message);
  return { status: spec.status, body, headers: { 'X-Tps-trace-ID': body.trace_id } };
}
