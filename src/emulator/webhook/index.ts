/** The emulator's webhook mode (platform side of HTTP callbacks). See docs/webhook.md. */
export { EmulatorWebhook } from './webhook.js';
export type {
  WebhookModeOptions,
  WebhookRequestRecord,
  WebhookAttempt,
  WebhookDelivery,
  WebhookValidationResult,
  DeliverOptions,
  WebhookInjectedEvent,
  RawSendOptions,
  EmulatorWebhookDeps,
} from './webhook.js';
export { PlatformSigner } from './platform-signer.js';
export type { PostResult } from './http-post.js';
