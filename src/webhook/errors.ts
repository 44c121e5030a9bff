import { QQBotError } from '../errors.js';
import { rejectionStatus, type WebhookRejectReason } from '../protocol/webhook-rejections.js';

// The reasons and their HTTP statuses are data the webhook machine counts by, so they live in the ground layer
// (src/protocol/webhook-rejections.ts); re-exported here, beside the error that carries them.
export { rejectionStatus, type WebhookRejectReason } from '../protocol/webhook-rejections.js';

/**
 * A webhook request was rejected, or the receiver itself failed. Never fatal: the receiver keeps
 * serving. Messages never contain the secret, a signature or a body.
 *
 * @example
 * ```ts
 * bot.errors$.subscribe((error) => {
 *   if (error instanceof QQWebhookError && error.reason === 'stale-timestamp') console.warn('check the server clock');
 * });
 * ```
 */
export class QQWebhookError extends QQBotError {
  readonly reason: WebhookRejectReason | 'internal';
  /** HTTP status answered (500 for `internal`). */
  readonly status: number;
  /** The bot the request was for, when known. */
  readonly appId: string | null;

  constructor(reason: WebhookRejectReason | 'internal', message: string, options: { appId?: string | null; status?: number; cause?: unknown } = {}) {
    super('WEBHOOK', message, { cause: options.cause });
    this.reason = reason;
    this.status = options.status ?? (reason === 'internal' ? 500 : rejectionStatus[reason]);
    this.appId = options.appId ?? null;
  }
}
