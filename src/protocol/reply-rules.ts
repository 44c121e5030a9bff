/**
 * Passive replies, stated once: which events can be answered, in which scene, keyed by which id, sent to which
 * payload field; and the per-scene windows and counts. The client's `reply()`, the event types (`ReplyableEvents`)
 * and the REST reply checks all read these two tables. The emulator keeps its own copy on purpose
 * (`src/emulator/rest/reply-policy.ts`); test/protocol/reply-table.test.ts ties the two.
 *
 * Sources (shared/protocol/reference.md):
 * - `event_id` targets: §9.3, from [DOCS] send-receive/send.md (C2C: INTERACTION_CREATE, C2C_MSG_RECEIVE, FRIEND_ADD;
 *   group: INTERACTION_CREATE, GROUP_ADD_ROBOT, GROUP_MSG_RECEIVE) and [DOCS] message/post_messages.md (channel:
 *   GUILD_MEMBER_ADD/UPDATE/REMOVE, MESSAGE_REACTION_ADD/REMOVE, FORUM_*). `FORUM_*` is the docs' own wildcard, so
 *   every private-forum event (FORUM_THREAD_*, FORUM_POST_*, FORUM_REPLY_*, FORUM_PUBLISH_AUDIT_RESULT) is replyable
 *   in its channel; the public-forum OPEN_FORUM_* events are not in the list.
 * - `msg_id` targets: the user messages, `msg_id` = `d.id` (§9.2, §9.3).
 * - where the reply goes: §6.3 payload fields (`author.user_openid`, `group_openid`, `channel_id`, DM `guild_id`).
 *   GUILD_MEMBER_* payloads name a guild but no channel, so the platform accepts their `event_id` yet `reply()`
 *   cannot know where to send; they are listed with no target field, and a bot answers them with an explicit
 *   channel (`createReplyContext({ scene: 'guild', target: channelId, eventId, eventType })`).
 * - windows and counts: §9.4, from [DOCS] send-receive/send.md; the C2C 60-minute window dates from the 2023-11-22 docs
 *   (bot-docs commit a2a8c47); "no limit" for DMs from [DOCS] message/dms/post_dms_messages.md. Guild channels
 *   document no per-message count, only 5 msgs/s per sub-channel.
 */
import type { QQEventType } from './events.js';

export type ReplyScene = 'c2c' | 'group' | 'guild' | 'dm';

/** How a reply names the event it answers: the message's own id, or the envelope id of an event. */
export type ReplyKey = 'msg_id' | 'event_id';

export interface ReplyableEventRule {
  /** The scene the reply is sent in; `'from-payload'` for INTERACTION_CREATE, whose `scene`/`chat_type` says. */
  readonly scene: ReplyScene | 'from-payload';
  readonly key: ReplyKey;
  /**
   * Payload paths (dotted, first non-empty wins) naming where the reply goes: the user, group, channel or DM guild.
   * Empty when the payload names no place to reply to (the platform accepts the id, `reply()` cannot use it).
   */
  readonly targetFields: readonly string[];
}

/** INTERACTION_CREATE names its scene in `scene`, or in `chat_type` (0 guild, 1 group, 2 C2C) (reference §6.3). */
export const interactionSceneByChatType: Readonly<Record<number, ReplyScene>> = { 0: 'guild', 1: 'group', 2: 'c2c' };

/**
 * The scenes whose replies may name an INTERACTION_CREATE in `event_id`: §9.3 lists it for C2C and group only, so a
 * guild-channel interaction resolves a target but its reply is refused before any request (`not-replyable`).
 */
export const interactionEventIdScenes: readonly ReplyScene[] = ['c2c', 'group'];

/** INTERACTION_CREATE: the payload field naming the reply target in each scene (reference §6.3). */
export const interactionTargetFields: Readonly<Record<Exclude<ReplyScene, 'dm'>, readonly string[]>> = {
  c2c: ['user_openid'],
  group: ['group_openid'],
  guild: ['channel_id'],
};

const c2cMessage = { scene: 'c2c', key: 'msg_id', targetFields: ['author.user_openid', 'author.id'] } as const;
const c2cEvent = { scene: 'c2c', key: 'event_id', targetFields: ['openid'] } as const;
const groupMessage = { scene: 'group', key: 'msg_id', targetFields: ['group_openid', 'group_id'] } as const;
const groupEvent = { scene: 'group', key: 'event_id', targetFields: ['group_openid'] } as const;
const channelMessage = { scene: 'guild', key: 'msg_id', targetFields: ['channel_id'] } as const;
const channelEvent = { scene: 'guild', key: 'event_id', targetFields: ['channel_id'] } as const;
const guildMemberEvent = { scene: 'guild', key: 'event_id', targetFields: [] } as const;

/**
 * Every event that accepts a passive reply, by type. `FORUM_*` matches any type with that prefix, as the docs write it.
 *
 * @example
 * replyableEvents.GROUP_ADD_ROBOT; // { scene: 'group', key: 'event_id', targetFields: ['group_openid'] }
 */
export const replyableEvents = {
  C2C_MESSAGE_CREATE: c2cMessage,
  FRIEND_ADD: c2cEvent,
  C2C_MSG_RECEIVE: c2cEvent,
  GROUP_AT_MESSAGE_CREATE: groupMessage,
  GROUP_MESSAGE_CREATE: groupMessage,
  GROUP_ADD_ROBOT: groupEvent,
  GROUP_MSG_RECEIVE: groupEvent,
  AT_MESSAGE_CREATE: channelMessage,
  MESSAGE_CREATE: channelMessage,
  MESSAGE_REACTION_ADD: channelEvent,
  MESSAGE_REACTION_REMOVE: channelEvent,
  GUILD_MEMBER_ADD: guildMemberEvent,
  GUILD_MEMBER_UPDATE: guildMemberEvent,
  GUILD_MEMBER_REMOVE: guildMemberEvent,
  'FORUM_*': channelEvent,
  DIRECT_MESSAGE_CREATE: { scene: 'dm', key: 'msg_id', targetFields: ['guild_id'] },
  INTERACTION_CREATE: { scene: 'from-payload', key: 'event_id', targetFields: [] },
} as const satisfies Readonly<Record<string, ReplyableEventRule>>;

type ReplyTable = typeof replyableEvents;
type TableKey = keyof ReplyTable;

/** The table entry for an event type, through the `FORUM_*` wildcard. */
type RuleOf<K extends string> = K extends TableKey ? ReplyTable[K] : K extends `FORUM_${string}` ? ReplyTable['FORUM_*'] : never;

/** The scene a typed reply to `K` is sent in. */
type SceneOf<R> = R extends { scene: 'from-payload' } ? ReplyScene : R extends { scene: infer S } ? S : never;

/** Whether `reply()` can find a target in the payload (INTERACTION_CREATE finds it per scene). */
type Answerable<R> = R extends { scene: 'from-payload' } ? true : R extends { targetFields: readonly [] } ? false : true;

/**
 * Event types that `reply()` works for, and the scene each replies in: derived from {@link replyableEvents}.
 * GUILD_MEMBER_* are absent: the platform takes their `event_id`, but the payload names no channel.
 */
export type ReplyableEvents = {
  [K in QQEventType as [RuleOf<K>] extends [never] ? never : Answerable<RuleOf<K>> extends true ? K : never]: SceneOf<RuleOf<K>>;
};

/** The table entry for `eventType`, or undefined when it cannot be replied to. */
export function replyableEventRule(eventType: string): ReplyableEventRule | undefined {
  if (Object.hasOwn(replyableEvents, eventType)) return replyableEvents[eventType as TableKey];
  return eventType.startsWith('FORUM_') ? replyableEvents['FORUM_*'] : undefined;
}

export interface SceneReplyRule {
  /** How the scene is named in messages. */
  readonly name: string;
  /** Passive-reply window, ms after the inbound message/event. */
  readonly windowMs: number;
  /** Replies one inbound message/event may get; `Infinity` where the docs set no limit. */
  readonly maxReplies: number;
  /** Event types whose envelope id may be used as `event_id` (from {@link replyableEvents}). A trailing `*` matches a prefix. */
  readonly eventIdEvents: readonly string[];
  /** Whether the body carries `msg_seq` (C2C/group bodies, reference §9.2; channel bodies have no such field). */
  readonly usesMsgSeq: boolean;
}

const MINUTE = 60_000;

/** The event types a scene takes as `event_id` (the table's `event_id` rows, plus INTERACTION_CREATE where §9.3 lists it). */
function eventIdEventsOf(scene: ReplyScene): string[] {
  const rows = Object.entries(replyableEvents as Readonly<Record<string, ReplyableEventRule>>);
  return rows
    .filter(([type, rule]) => rule.key === 'event_id' && (rule.scene === scene || (type === 'INTERACTION_CREATE' && interactionEventIdScenes.includes(scene))))
    .map(([type]) => type);
}

export const replyRules: Readonly<Record<ReplyScene, SceneReplyRule>> = {
  c2c: { name: 'C2C', windowMs: 60 * MINUTE, maxReplies: 5, eventIdEvents: eventIdEventsOf('c2c'), usesMsgSeq: true },
  group: { name: 'group', windowMs: 5 * MINUTE, maxReplies: 5, eventIdEvents: eventIdEventsOf('group'), usesMsgSeq: true },
  guild: { name: 'guild channel', windowMs: 5 * MINUTE, maxReplies: Infinity, eventIdEvents: eventIdEventsOf('guild'), usesMsgSeq: false },
  dm: { name: 'guild DM', windowMs: 5 * MINUTE, maxReplies: Infinity, eventIdEvents: eventIdEventsOf('dm'), usesMsgSeq: false },
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
