/**
 * `qq-bot-machine/emulator`: a local stand-in for the QQ open platform (token endpoint, REST, WebSocket gateway)
 * with observation and fault injection for tests. See docs/emulator.md.
 */
export { Emulator, DEFAULT_BOT_USER, DEFAULT_ENTITLED_INTENTS } from './emulator.js';
export { startEmulator } from './start.js';
export type { InjectedEvent, FrameWaitOptions } from './emulator.js';
export type { EventInjectors, InjectorName } from './injectors.js';
export type {
  EmulatorOptions,
  SessionStartLimitOptions,
  HttpRequestRecord,
  ConnectionRecord,
  CloseRecord,
  SessionRecord,
  BufferedDispatch,
  EmulatorStats,
  DispatchOptions,
  DispatchResult,
  HttpFaultKind,
  HttpFaultOptions,
  ConnectionTarget,
} from './types.js';
export type { WaitOptions } from './observer.js';
export type { MalformedFrameKind } from './malformed-frames.js';
export { InboundRegistry, inboundRecordFor } from './inbound.js';
export type { InboundRecord, InboundScene } from './inbound.js';
export type { EmulatorRoute, RouteContext, RouteResult, RouteEmulator } from './http-router.js';
export { authorize } from './auth.js';
export type { AuthResult, AuthContext, AuthFailure } from './auth.js';
export type { IssuedToken } from './token-store.js';
export { guildShard } from './gateway/shard-routing.js';
export { runEmulatorCli } from './cli.js';
export * from './payloads.js';
export { createRestEmulator, RestState, restErrors } from './rest/index.js';
export { guildWorldOf, GuildWorld, guildErrors, VOICE_CHANNEL_ID, SCHEDULE_CHANNEL_ID, FORUM_CHANNEL_ID } from './rest/index.js';
export type { RestEmulatorOptions, SentMessage, UploadRecord, RecallRecord, InteractionAck, DmSession, RejectedRequest } from './rest/index.js';
export { EmulatorWebhook, type WebhookModeOptions } from './webhook/index.js';
