import type { Subscription } from 'rxjs';
import type { BotActorRef } from '../../machines/bot.machine.js';
import type { QQBotError } from '../errors.js';
import type { Observable } from '../events/rx.js';
import type { AnyBotEvent, BotEvent, BotEventHandler } from '../events/types.js';
import type { QQEventType } from '../protocol/events.js';
import type { RestClient } from '../rest/client.js';
import type { Secret } from '../secret.js';
import type { StartOptions } from '../start-options.js';
import type { BotState } from '../state.js';

/** A running QQ bot: its event streams, its state, and its lifecycle. */
export interface Bot {
  /** Every dispatch from every shard, in seq order per shard. Hot and shared; a subscriber that throws cannot hurt the others. */
  readonly events$: Observable<AnyBotEvent>;
  /** The typed REST client (auth from the token machine). See docs/rest.md. */
  readonly api: RestClient;
  /** The bot's and each shard's state, current value first. */
  readonly state$: Observable<BotState>;
  /**
   * Typed errors: fatal failures, failed attempts the bot retries (token endpoint, gateway discovery,
   * timeouts, refused identifies, malformed frames), handlers and subscribers that threw or rejected,
   * refused webhook requests. Disconnects the bot recovers from by design are state, not errors:
   * `state$` (`lastDisconnect`, `reconnects`) and a `warn` log line. See docs/api.md § errors$.
   */
  readonly errors$: Observable<QQBotError>;
  /** The current state. */
  readonly state: BotState;
  /** The root XState actor, for inspection and advanced use. */
  readonly actor: BotActorRef;
  /**
   * The events of the given type(s), with typed data.
   *
   * @example
   * ```ts
   * bot.on('C2C_MESSAGE_CREATE').subscribe((event) => console.log(event.data.author.user_openid, event.data.content));
   * bot.on('FRIEND_ADD', 'GROUP_ADD_ROBOT').subscribe((event) => {
   *   if (event.type === 'FRIEND_ADD') console.log(event.data.openid); // narrowed on type
   * });
   * ```
   * A type the configured intents can never deliver logs a warning naming the intent to add.
   */
  on<K extends QQEventType>(...types: [K, ...K[]]): Observable<BotEvent<K>>;
  /**
   * Runs `handler` for every event of the given type(s). The handler may be `async`: whatever it
   * throws or rejects with (a refused `reply()`, a bug) goes to `errors$` as a `QQHandlerError`
   * (`cause` = what was thrown) and to the log, never to an unhandled rejection. Returns the
   * subscription; `stop()` ends it too.
   *
   * @example
   * ```ts
   * bot.handle('C2C_MESSAGE_CREATE', async (event) => {
   *   await event.reply(`you said: ${event.data.content}`);
   * });
   * bot.handle(['FRIEND_ADD', 'GROUP_ADD_ROBOT'], (event) => event.reply('hello'));
   * ```
   */
  handle<K extends QQEventType>(types: K | readonly [K, ...K[]], handler: BotEventHandler<K>): Subscription;
  /**
   * Connects every shard. Resolves when all are READY; rejects with a typed error on a fatal one.
   * With `timeoutMs` or `signal`, a start that has not finished in time (or is aborted) stops the
   * bot and rejects with a `QQTimeoutError` / `QQBotError('STOPPED')` whose `cause` is the last error
   * seen (e.g. the gateway discovery failure that kept it from connecting).
   *
   * @example
   * ```ts
   * await bot.start({ timeoutMs: 30_000 });
   * ```
   */
  start(options?: StartOptions): Promise<void>;
  /** Closes every socket with 1000 (4000 with a session store, after storing the sessions), cancels every timer, completes the streams. */
  stop(): Promise<void>;
  /** A valid access token (for REST calls), refreshed by the token machine. */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<Secret>;
  /** Webhook transport only: the URL of the bot's own callback server (null when mounted elsewhere). */
  readonly webhook: { readonly url: string | null } | null;
}
