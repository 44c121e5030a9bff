import type { Logger } from 'pino';
import type { ReplyServices } from './events/bot-event.js';
import type { AnyBotEvent } from './events/types.js';
import { QQBotError } from './errors.js';
import type { Secret } from './secret.js';
import type { BotState } from './state.js';

/**
 * How events reach a bot: the gateway (src/bot/gateway-transport.ts) or signed webhook callbacks
 * (src/webhook/bot-transport.ts). Each owns the bot's one token actor; `BotRuntime` (src/bot.ts) keeps
 * only the public streams and API, and talks to its transport through this.
 */
export interface BotTransport {
  /** Resolves when events can flow; rejects with a typed error when they never will. */
  start(): Promise<void>;
  /** Stops; `ended` of the hooks has been called (or is, a microtask later) with the final state published. */
  stop(): Promise<void>;
  /** A valid access token, from the bot's token actor. */
  getAccessToken(options: { forceRefresh?: boolean }): Promise<Secret>;
  /** The state last published (the gateway reads each shard's seq live). */
  readonly state: BotState;
}

/** What a transport tells its bot. */
export interface TransportHooks {
  /** The REST services each delivered event's `reply()`/`ack()` uses. */
  readonly replyServices: ReplyServices;
  /** One event for `events$`. */
  deliver(event: AnyBotEvent): void;
  /** An error for `errors$`, logged to `log` unless it is null (already logged where it arose). */
  report(error: QQBotError, message: string, log?: Logger | null): void;
  /** A new state for `state$`. */
  publish(state: BotState): void;
  /** The transport has ended for good: complete the streams. */
  ended(): void;
}

/** `error` when it is already a `QQBotError`; otherwise a `QQBotError('PROTOCOL')` with it as the cause. */
export function asBotError(error: unknown): QQBotError {
  return error instanceof QQBotError ? error : new QQBotError('PROTOCOL', error instanceof Error ? error.message : String(error), { cause: error });
}
