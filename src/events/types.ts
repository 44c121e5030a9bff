import type { QQEvent, QQEventMap, QQEventType, UnknownQQEvent } from '../protocol/events.js';
import type { InteractionResult, SendResult } from '../rest/message-types.js';
import type { ReplyAllowance, ReplyBody, ReplyMedia } from '../rest/reply.js';
import type { ReplyableEvents, ReplyScene } from '../protocol/reply-rules.js';

/** Event types that accept a passive reply, and the scene each replies in: derived from the table in protocol/reply-rules.ts. */
export type { ReplyableEvents } from '../protocol/reply-rules.js';

/** `reply()` and `replyMedia()`: present on events that accept a passive reply. */
export interface Replyable<S extends ReplyScene> {
  /** A passive reply (a string is text). Window and reply count are checked before any request. */
  reply(content: string | ReplyBody<S>): Promise<SendResult>;
  /** Upload (C2C/group) then send media as a passive reply. */
  replyMedia(media: ReplyMedia): Promise<SendResult>;
  /** Replies and time left; null when the event cannot be replied to. */
  replyAllowance(): ReplyAllowance | null;
}

/** `ack()`: present on INTERACTION_CREATE. */
export interface Acknowledgeable {
  /** `PUT /interactions/{id}` with `code` (0 success, 1 failed, 2 too frequent, 3 duplicate, 4 no permission, 5 admin only). */
  ack(code?: InteractionResult): Promise<void>;
}

/**
 * An event as `bot.on()` delivers it: the typed envelope, plus reply/ack where the platform allows them.
 * Distributes over a union of types, so `BotEvent<'A' | 'B'>` is `BotEvent<'A'> | BotEvent<'B'>`
 * and narrows on `event.type`.
 */
export type BotEvent<K extends QQEventType> = K extends QQEventType ? SingleBotEvent<K> : never;

type SingleBotEvent<K extends QQEventType> = QQEvent<K, QQEventMap[K]> &
  (K extends keyof ReplyableEvents ? Replyable<ReplyableEvents[K]> : unknown) &
  (K extends 'INTERACTION_CREATE' ? Acknowledgeable : unknown);

/**
 * A handler for `bot.handle()`: may be `async`. A throw or a rejection goes to `errors$` (as a
 * `QQHandlerError`) and the log; it never becomes an unhandled rejection.
 */
export type BotEventHandler<K extends QQEventType> = (event: BotEvent<K>) => unknown;

/** Every known event type, as a union discriminated by `type`. */
export type KnownBotEvent = { [K in QQEventType]: BotEvent<K> }[QQEventType];

/** An event of a type this version does not know: delivered all the same, data unknown. */
export type UnknownBotEvent = UnknownQQEvent & Partial<Replyable<ReplyScene>> & Partial<Acknowledgeable>;

/** What `bot.events$` carries: every known event (typed) or an unknown one. */
export type AnyBotEvent = KnownBotEvent | UnknownBotEvent;
