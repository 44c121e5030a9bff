/**
 * Passive-reply checks (reference §9.3–§9.5): a reply's `msg_id`/`event_id` must name something the emulator
 * pushed to the bot, in the same scene and target, inside the scene's window; then the reply budget (5 per
 * message in C2C/group) and the (anchor, msg_seq) dedupe apply.
 */
import type { InboundRecord, InboundRegistry } from '../inbound.js';
import { reject, restErrors } from './rest-errors.js';
import type { RestScene, RestState } from './rest-state.js';
import { acceptsEventId, replyPolicy } from './reply-policy.js';

/** What a passive reply names. `key` identifies it for the reply count and msg_seq dedupe. */
export interface ReplyAnchor {
  kind: 'msg_id' | 'event_id';
  id: string;
  key: string;
  inbound: InboundRecord;
}

export interface ReplyRequest {
  scene: RestScene;
  target: string;
  msgId: string | undefined;
  eventId: string | undefined;
  now: number;
  inbound: InboundRegistry;
}

/**
 * The anchor of a passive reply, or undefined for an active send (neither id given). When both are given
 * `msg_id` wins (the docs say "one of the two"; what the platform does with both is UNCONFIRMED).
 */
export function resolveReplyAnchor(request: ReplyRequest): ReplyAnchor | undefined {
  if (request.msgId !== undefined) return msgIdAnchor(request, request.msgId);
  if (request.eventId !== undefined) return eventIdAnchor(request, request.eventId);
  return undefined;
}

const isGuildScene = (scene: RestScene): boolean => scene === 'guild' || scene === 'dm';

function msgIdAnchor(request: ReplyRequest, msgId: string): ReplyAnchor {
  const guild = isGuildScene(request.scene);
  const inbound = request.inbound.byMsgId(msgId);
  if (!inbound || inbound.scene !== request.scene || inbound.target !== request.target) {
    reject(guild ? restErrors.guildMsgIdInvalid : restErrors.msgIdInvalid);
  }
  if (request.now - inbound.at > replyPolicy[request.scene].windowMs) {
    reject(guild ? restErrors.guildMsgExpired : restErrors.msgIdExpired);
  }
  return { kind: 'msg_id', id: msgId, key: `${request.scene}:msg:${msgId}`, inbound };
}

function eventIdAnchor(request: ReplyRequest, eventId: string): ReplyAnchor {
  const inbound = request.inbound.byEventId(eventId);
  if (!inbound || inbound.scene !== request.scene || inbound.target !== request.target) reject(restErrors.eventIdInvalid);
  if (!acceptsEventId(request.scene, inbound.type)) reject(restErrors.eventNotReplyable);
  if (request.now - inbound.at > replyPolicy[request.scene].windowMs) reject(restErrors.eventIdExpired);
  return { kind: 'event_id', id: eventId, key: `${request.scene}:event:${eventId}`, inbound };
}

/**
 * Rejects a reply that repeats a (msg_id|event_id, msg_seq) pair or exceeds the per-message reply count.
 * Dedupe is checked first: a retried request is a duplicate whatever the count (botgo: msg_seq dedupes "together
 * with msg_id or event_id", reference §9.5).
 */
export function checkReplyBudget(state: RestState, scene: RestScene, anchor: ReplyAnchor, msgSeq: number): void {
  const policy = replyPolicy[scene];
  if (policy.usesMsgSeq && state.isSeqUsed(anchor.key, msgSeq)) reject(restErrors.deduplicated);
  if (state.replyCount(anchor.key) >= policy.maxReplies) reject(restErrors.replyLimitExceeded);
}
