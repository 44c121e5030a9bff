/**
 * The passive-reply rules per scene, as data: how long after the inbound message a reply may still carry its
 * `msg_id`/`event_id`, how many replies one message may get, and which events accept `event_id` replies.
 *
 * Sources (shared/protocol/reference.md):
 * - windows and counts: §9.4, from [DOCS] server-inter/message/send-receive/send.md; the C2C 60-minute window dates
 *   from the 2023-11-22 docs (bot-docs commit a2a8c47); "no limit" for DMs from [DOCS] message/dms/post_dms_messages.md.
 *   Guild channels document no per-message count, only 5 msgs/s per sub-channel.
 * - event_id targets: §9.3, from [DOCS] send.md (C2C, group) and message/post_messages.md (guild channels).
 */
export type ReplyScene = 'c2c' | 'group' | 'guild' | 'dm';

export interface SceneReplyRule {
  /** How the scene is named in messages. */
  readonly name: string;
  /** Passive-reply window, ms after the inbound message/event. */
  readonly windowMs: number;
  /** Replies one inbound message/event may get; `Infinity` where the docs set no limit. */
  readonly maxReplies: number;
  /** Event types whose envelope id may be used as `event_id`. A trailing `*` matches a prefix. */
  readonly eventIdEvents: readonly string[];
  /** Whether the body carries `msg_seq` (C2C/group bodies, reference §9.2; channel bodies have no such field). */
  readonly usesMsgSeq: boolean;
}

const MINUTE = 60_000;

export const replyRules: Readonly<Record<ReplyScene, SceneReplyRule>> = {
  c2c: {
    name: 'C2C',
    windowMs: 60 * MINUTE,
    maxReplies: 5,
    eventIdEvents: ['INTERACTION_CREATE', 'C2C_MSG_RECEIVE', 'FRIEND_ADD'],
    usesMsgSeq: true,
  },
  group: {
    name: 'group',
    windowMs: 5 * MINUTE,
    maxReplies: 5,
    eventIdEvents: ['INTERACTION_CREATE', 'GROUP_ADD_ROBOT', 'GROUP_MSG_RECEIVE'],
    usesMsgSeq: true,
  },
  guild: {
    name: 'guild channel',
    windowMs: 5 * MINUTE,
    maxReplies: Infinity,
    eventIdEvents: ['GUILD_MEMBER_ADD', 'GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_REMOVE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'FORUM_*'],
    usesMsgSeq: false,
  },
  dm: {
    name: 'guild DM',
    windowMs: 5 * MINUTE,
    maxReplies: Infinity,
    eventIdEvents: [],
    usesMsgSeq: false,
  },
};

/**
 * True when a reply in `scene` may name an event of type `eventType` in `event_id`.
 *
 * @example
 * acceptsEventId('group', 'GROUP_ADD_ROBOT');     // true
 * acceptsEventId('guild', 'FORUM_THREAD_CREATE'); // true
 * acceptsEventId('c2c', 'FRIEND_DEL');            // false
 */
export function acceptsEventId(scene: ReplyScene, eventType: string): boolean {
  return replyRules[scene].eventIdEvents.some((pattern) =>
    pattern.endsWith('*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType,
  );
}
