/**
 * Rich-media upload, `POST /v2/users/{openid}/files` and `POST /v2/groups/{group_openid}/files` (reference §9.6):
 * `{file_type 1..4, url? | file_data? (base64), srv_send_msg}` → `{file_uuid, file_info, ttl}` (+ `id` with
 * srv_send_msg). Issued file_info values are remembered per scene: a msg_type 7 send must use one uploaded in
 * the same scene (user uploads only in C2C, group uploads only in groups) and not yet expired.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorRoute, RouteContext, RouteResult } from '../http-router.js';
import { platformTimestamp, robotMessageId, uuid } from '../ids.js';
import { isInteger, isJsonObject, isNonEmptyString, withoutNulls } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import type { ResolvedRestOptions } from './rest-options.js';
import { ok, restRoute } from './rest-route.js';
import type { RestState, UploadRecord } from './rest-state.js';

const FILE_TYPES = [1, 2, 3, 4];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function mediaUploadRoutes(state: RestState, options: ResolvedRestOptions): EmulatorRoute[] {
  const upload = (scene: 'c2c' | 'group') => (ctx: RouteContext, [target = '']: string[]) => uploadMedia(state, options, scene, target, ctx);
  return [
    restRoute(state, { method: 'POST', path: '/v2/users/{openid}/files', handle: upload('c2c') }),
    restRoute(state, { method: 'POST', path: '/v2/groups/{group_openid}/files', handle: upload('group') }),
  ];
}

function uploadMedia(state: RestState, options: ResolvedRestOptions, scene: 'c2c' | 'group', target: string, ctx: RouteContext): RouteResult {
  if (!isJsonObject(ctx.body)) reject(restErrors.badBody);
  const body = withoutNulls(ctx.body);
  if (!isInteger(body.file_type) || !FILE_TYPES.includes(body.file_type)) reject(restErrors.unsupportedFileType);
  if (body.srv_send_msg !== undefined && typeof body.srv_send_msg !== 'boolean') reject(restErrors.badBody);
  const source = readSource(body.url, body.file_data, body.upload_id);
  const srvSendMsg = body.srv_send_msg === true;
  // srv_send_msg "consumes active-message quota" (reference §9.6), so it follows the active-message policy.
  if (srvSendMsg && !options.allowActiveMessages) reject(restErrors.activeMessageForbidden);

  const record: UploadRecord = {
    scene,
    target,
    fileType: body.file_type,
    ...source,
    srvSendMsg,
    fileUuid: uuid(),
    fileInfo: randomBytes(48).toString('base64'),
    ttl: options.fileInfoTtl,
    at: ctx.now,
  };
  if (srvSendMsg) {
    record.messageId = robotMessageId();
    state.recordSent({ id: record.messageId, scene, target, body, msgType: 7, passive: false, via: 'upload', at: ctx.now, timestamp: platformTimestamp(ctx.now) });
  }
  state.recordUpload(record);
  return ok({
    file_uuid: record.fileUuid,
    file_info: record.fileInfo,
    ttl: record.ttl,
    ...(record.messageId !== undefined ? { id: record.messageId } : {}),
  });
}

function readSource(url: unknown, fileData: unknown, uploadId: unknown): { url?: string; fileDataBytes?: number } {
  if (url !== undefined && typeof url !== 'string') reject(restErrors.badBody);
  if (fileData !== undefined && typeof fileData !== 'string') reject(restErrors.badBody);
  if (isNonEmptyString(fileData)) {
    const compact = fileData.replace(/\s+/g, '');
    if (!BASE64.test(compact)) reject(restErrors.fileFetchFailed);
    return { fileDataBytes: Buffer.from(compact, 'base64').length };
  }
  if (isNonEmptyString(url)) {
    if (!/^https?:\/\//i.test(url)) reject(restErrors.fileFetchFailed);
    return { url };
  }
  // The merge step of the undocumented chunked upload (reference §9.6) is not emulated.
  if (uploadId !== undefined) reject(restErrors.unsupportedOperation);
  return reject(restErrors.badBody);
}

/** Rejects a msg_type 7 `file_info` that was not issued in `scene`, or whose ttl has run out. */
export function checkFileInfo(state: RestState, scene: 'c2c' | 'group', fileInfo: string, now: number): void {
  const upload = state.uploadByFileInfo(fileInfo);
  if (!upload || upload.scene !== scene) reject(restErrors.fileInfoInvalid);
  if (upload.ttl > 0 && now - upload.at > upload.ttl * 1000) reject(restErrors.fileInfoInvalid);
}
