/**
 * qq-bot-machine: a QQ official bot runtime whose connection lifecycle is XState v5 machines and
 * whose events are RxJS observables.
 */
export { createBot, createWebhookHandler, type Bot } from './bot.js';
export {
  createWebhookReceiver,
  startWebhookServer,
  QQWebhookError,
  webhookMachine,
  type WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookServer,
} from './webhook/index.js';
export type { AnyBotEvent, BotEvent, BotEventHandler, KnownBotEvent, UnknownBotEvent, Replyable, Acknowledgeable, ReplyableEvents } from './events/types.js';
export type { StartOptions } from './start-options.js';
export { replyableEventTypes } from './events/reply-target.js';
export * from './rest/index.js';
export * from './messages/index.js';
export { resolveIntents, defaultIntents, platformEndpoints, type BotOptions, type InspectionObserver, type WebhookOptions } from './options.js';
export type { Timing } from './runtime.js';
export { createMemorySessionStore, defaultSessionTtlMs, type SessionStore, type StoredSession, type MemorySessionStoreOptions } from './sessions/store.js';
export { createFileSessionStore, type FileSessionStoreOptions } from './sessions/file-store.js';
export type { IdentifyCoordinator, IdentifyVerdict, SlotRequest, ShardLeases, LeaseRound } from './coordination.js';
export type { BotState, BotStatus, ShardState } from './state.js';
export { ofType } from './events/of-type.js';
export { IsolatedObservable } from './events/isolated.js';
export { recordInspection, toInspectionRecord, safeStringify, type InspectionRecorder, type InspectionRecord } from './inspect.js';
export { serveInspector, serveRecording } from './inspector/lazy.js';
export type { InspectorServer, InspectorServerOptions, ServeInspectorOptions } from './inspector/index.js';
export { createDefaultLogger, redactPaths } from './log.js';
export { Secret } from './secret.js';
export * from './errors.js';
export * from './protocol/events.js';
// Both the event map and the REST client name a guild message; they describe the same object.
export type { GuildMessage } from './protocol/events.js';
export {
  intentTable,
  intentNames,
  intentNamesOf,
  intentForEvent,
  isIntentName,
  knownIntentBits,
  privateIntentBits,
  basicIntentBits,
  type IntentName,
  type IntentInfo,
} from './protocol/intents.js';
export { closePolicy, closeCodeTable, type CloseAction, type ClosePolicy } from './protocol/close-codes.js';
export { OpCode, type GatewayFrame } from './protocol/opcodes.js';
export { botMachine, type ShardSelection } from '../machines/bot.machine.js';
export { shardMachine } from '../machines/shard.machine.js';
export { planReconnect } from '../machines/reconnect-policy.js';
export { tokenMachine } from '../machines/token.machine.js';
export { gatewayDiscoveryMachine, type GatewayInfo } from '../machines/gateway.machine.js';
export { identifyThrottleMachine } from '../machines/identify-throttle.machine.js';
