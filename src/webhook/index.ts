/**
 * The HTTP-callback (webhook) transport: receiver, server, signature helpers. See docs/webhook.md.
 */
export {
  createWebhookReceiver,
  startWebhookServer,
  defaultFreshnessWindowSeconds,
  defaultMaxBodyBytes,
  defaultReplayCacheSize,
  type WebhookBot,
  type WebhookEventOut,
  type WebhookLogger,
  type WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookServer,
  type WebhookServerOptions,
} from './receiver.js';
export { QQWebhookError, rejectionStatus, type WebhookRejectReason } from './errors.js';
export { ed25519Seed, webhookKeys, rawPublicKey, signWebhookBody, signValidation, type WebhookKeys } from './sign.js';
export { verifyWebhookRequest, decodeSignature, checkTimestamp, type VerifyResult } from './verify.js';
export { ReplayCache, dedupeKeys } from './replay-cache.js';
export { readRawBody, type RawBodyResult } from './body.js';
export { classifyPayload, type WebhookPayload } from './payload.js';
export { webhookMachine, type WebhookActorRef, type WebhookContext, type WebhookEmitted } from '../../machines/webhook.machine.js';
