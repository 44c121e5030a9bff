import type { RestClient } from '../rest/client.js';
import { QQReplyRuleError } from '../rest/errors.js';
import type { InteractionResult, SendResult } from '../rest/message-types.js';
import { createReply, createReplyContext, type Reply, type ReplyAllowance, type ReplyMedia } from '../rest/reply.js';
import { replyTargetOf } from './reply-target.js';

/** What an event needs to answer: the REST client, and the clocks reply windows are measured on. */
export interface ReplyServices {
  api: RestClient;
  now: () => number;
  /** The event's arrival time (`receivedAt`): `now`, read once per event-loop turn (src/events/turn-clock.ts). */
  arrival: () => number;
}

/**
 * One delivered event. Plain data (`type`, `id`, `seq`, `shard`, `data`, `receivedAt`) plus
 * `reply()` / `replyMedia()` for events that accept a passive reply and `ack()` for interactions.
 * The methods live on the prototype and the reply state is created on first use, so an event
 * nobody answers costs nothing extra. Every subscriber gets the same object, so replies from
 * several subscribers share one `msg_seq` counter and one reply allowance.
 */
export class DeliveredEvent {
  readonly type: string;
  readonly id: string | null;
  readonly seq: number | null;
  readonly shard: number;
  readonly data: unknown;
  readonly receivedAt: number;
  readonly #services: ReplyServices;
  #reply: Reply | null | undefined;

  constructor(type: string, id: string | null, seq: number | null, shard: number, data: unknown, services: ReplyServices) {
    this.type = type;
    this.id = id;
    this.seq = seq;
    this.shard = shard;
    this.data = data;
    this.#services = services;
    this.receivedAt = services.arrival();
  }

  /**
   * A passive reply: `msg_id` (or `event_id`) and the next `msg_seq` are filled in; the scene's window
   * and reply count are checked before any request (`QQReplyRuleError` says which rule).
   *
   * @example
   * ```ts
   * bot.handle('C2C_MESSAGE_CREATE', async (event) => {
   *   await event.reply(`you said ${event.data.content}`);
   * });
   * ```
   */
  reply(content: string | Record<string, unknown>): Promise<SendResult> {
    return this.#replier().then((replier) => replier.reply(content as Parameters<Reply['reply']>[0]));
  }

  /** Uploads media (C2C/group) and sends it as a passive reply, under the same rules. */
  replyMedia(media: ReplyMedia): Promise<SendResult> {
    return this.#replier().then((replier) => replier.replyMedia(media));
  }

  /** How many replies and how much time are left for a passive reply; null when the event cannot be replied to. */
  replyAllowance(): ReplyAllowance | null {
    return this.#replyState()?.remaining() ?? null;
  }

  /** INTERACTION_CREATE: acknowledge the button press (`PUT /interactions/{id}`), 0 = success. */
  ack(code: InteractionResult = 0): Promise<void> {
    const interactionId = (this.data as { id?: unknown } | null)?.id;
    if (this.type !== 'INTERACTION_CREATE' || typeof interactionId !== 'string') {
      return Promise.reject(new QQReplyRuleError(`${this.type} is not an interaction: there is nothing to acknowledge`, { rule: 'not-replyable', scene: 'none', elapsedMs: 0, limit: undefined }));
    }
    return this.#services.api.acknowledgeInteraction(interactionId, code);
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, id: this.id, seq: this.seq, shard: this.shard, data: this.data, receivedAt: this.receivedAt };
  }

  #replyState(): Reply | null {
    if (this.#reply !== undefined) return this.#reply;
    const target = replyTargetOf(this.type, this.data, this.id);
    this.#reply = target
      ? createReply(
          this.#services.api,
          createReplyContext({
            scene: target.scene,
            target: target.target,
            ...(target.msgId ? { msgId: target.msgId } : {}),
            ...(target.eventId ? { eventId: target.eventId } : {}),
            eventType: this.type,
            receivedAt: this.receivedAt,
            now: this.#services.now,
          }),
        )
      : null;
    return this.#reply;
  }

  #replier(): Promise<Reply> {
    const replier = this.#replyState();
    if (replier) return Promise.resolve(replier);
    return Promise.reject(
      new QQReplyRuleError(`${this.type} cannot be answered with a passive reply (reference §9.3); send an active message instead`, {
        rule: 'not-replyable',
        scene: 'none',
        elapsedMs: 0,
        limit: undefined,
      }),
    );
  }
}
