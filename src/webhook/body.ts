/**
 * Reads the raw request body with a size limit. The signature covers the exact bytes, so the body
 * is never parsed or re-serialised before verification.
 */
import type { IncomingMessage } from 'node:http';
import type { WebhookRejectReason } from './errors.js';

export type RawBodyResult = { ok: true; body: Buffer } | { ok: false; reason: Extract<WebhookRejectReason, 'body-too-large' | 'body-aborted' | 'body-consumed'> };

/** A request a framework may already have read: Express `express.raw()`, Fastify/Koa with a raw-body parser. */
interface PreReadRequest {
  rawBody?: unknown;
  body?: unknown;
}

/**
 * The raw body of `req`, at most `maxBytes`:
 * - a framework that already read the stream may leave the bytes on `req.rawBody` or `req.body`
 *   (Buffer or string); those are used as they are;
 * - otherwise the stream is read; a `Content-Length` over the limit fails at once, a chunked body
 *   as soon as it crosses the limit (the rest is discarded, not buffered).
 *
 * @example
 * ```ts
 * const result = await readRawBody(req, 1024 * 1024);
 * if (!result.ok) return reject(result.reason);
 * ```
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<RawBodyResult> {
  const pre = preRead(req as IncomingMessage & PreReadRequest);
  if (pre !== undefined) {
    return Promise.resolve(pre.length > maxBytes ? { ok: false, reason: 'body-too-large' } : { ok: true, body: pre });
  }
  if (req.readableEnded) {
    // Someone consumed the stream and left a parsed object (or nothing): the signed bytes are gone.
    return Promise.resolve({ ok: false, reason: 'body-consumed' });
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    req.resume();
    return Promise.resolve({ ok: false, reason: 'body-too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: RawBodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      // Swallow late stream errors; keep draining so the connection can answer.
      req.on('error', () => undefined);
      resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        chunks.length = 0;
        req.resume();
        settle({ ok: false, reason: 'body-too-large' });
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => settle({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (): void => settle({ ok: false, reason: 'body-aborted' });
    const onAborted = (): void => settle({ ok: false, reason: 'body-aborted' });
    const onClose = (): void => {
      if (!req.complete) settle({ ok: false, reason: 'body-aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onClose);
  });
}

function preRead(req: PreReadRequest): Buffer | undefined {
  for (const candidate of [req.rawBody, req.body]) {
    if (Buffer.isBuffer(candidate)) return candidate;
    if (candidate instanceof Uint8Array) return Buffer.from(candidate.buffer, candidate.byteOffset, candidate.byteLength);
    if (typeof candidate === 'string') return Buffer.from(candidate, 'utf8');
  }
  return undefined;
}
