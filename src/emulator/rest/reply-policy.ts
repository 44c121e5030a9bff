/**
 * The passive-reply rules per scene, as data (reference §9.3, §9.4, §9.5):
 * - window: how long after the inbound message/event a reply may name it. C2C 60 min (docs since 2023-11-22),
 *   group/guild/DM 5 min. The same window is applied to event_id replies (UNCONFIRMED: a field note says event
 *   replies work "once per day").
 * - maxReplies: C2C and group 5 per inbound message (reference §9.4; the 2026 C2C page says 4, we keep 5, the
 *   figure the SDK side uses). Guild channels and DMs have no per-message count.
 * - eventIdEvents: the events whose envelope id `event_id` may name.
 * - usesMsgSeq: C2C/group bodies carry msg_seq and the same (msg_id|event_id, msg_seq) twice is rejected.
 *
 * This is the platform's copy, kept apart from the client's table (src/protocol/reply-rules.ts) on purpose: the
 * emulator is what the client is tested against, so if both read one table a misreading of §9.3/§9.4 would pass every
 * end-to-end test. test/protocol/reply-table.test.ts ties the two, so they cannot drift apart unnoticed.
 */
import type { RestScene } from './rest-state.js';

export interface ScenePolicy {
  readonly windowMs: number;
  readonly maxReplies: number;
  readonly eventIdEvents: readonly string[];
  readonly usesMsgSeq: boolean;
}

const MINUTE = 60_000;

export const replyPolicy: Readonly<Record<RestScene, ScenePolicy>> = {
  c2c: { windowMs: 60 * MINUTE, maxReplies: 5, eventIdEvents: ['INTERACTION_CREATE', 'C2C_MSG_RECEIVE', 'FRIEND_ADD'], usesMsgSeq: true },
  group: { windowMs: 5 * MINUTE, maxReplies: 5, eventIdEvents: ['INTERACTION_CREATE', 'GROUP_ADD_ROBOT', 'GROUP_MSG_RECEIVE'], usesMsgSeq: true },
  guild: {
    windowMs: 5 * MINUTE,
    maxReplies: Infinity,
    eventIdEvents: ['GUILD_MEMBER_ADD', 'GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_REMOVE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'FORUM_*'],
    usesMsgSeq: false,
  },
  dm: { windowMs: 5 * MINUTE, maxReplies: Infinity, eventIdEvents: [], usesMsgSeq: false },
};

/**
 * A C2C `is_wakeup: true` message may be sent without msg_id within 30 days of the user's last message
 * (qqbot-nodejs `QQBot.sendWakeup`, reference §9.4 field note; not in the docs, so UNCONFIRMED).
 */
export const WAKEUP_WINDOW_MS = 30 * 24 * 60 * MINUTE;

/** C2C/group messages can be recalled for 2 minutes (reference §9.1). Guild/DM recalls have no documented window. */
export const RECALL_WINDOW_MS = 2 * MINUTE;

export function acceptsEventId(scene: RestScene, eventType: string): boolean {
  return replyPolicy[scene].eventIdEvents.some((pattern) =>
    pattern.endsWith('*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType,
  );
}
