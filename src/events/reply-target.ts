import {
  interactionSceneByChatType,
  interactionTargetFields,
  replyableEventRule,
  type ReplyableEvents,
  type ReplyScene,
} from '../protocol/reply-rules.js';
import { qqEventTypes } from '../protocol/events.js';

/** Where a reply to an inbound event goes, and which id makes it passive. */
export interface ReplyTarget {
  scene: ReplyScene;
  target: string;
  msgId?: string;
  eventId?: string;
}

type Data = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The first non-empty string among dotted payload paths (`author.user_openid`). */
function firstField(data: Data, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    let value: unknown = data;
    for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Data)[key] : undefined;
    const found = str(value);
    if (found) return found;
  }
  return undefined;
}

/** INTERACTION_CREATE carries its scene in `scene`, or as a number in `chat_type`. */
function interactionScene(data: Data): ReplyScene | undefined {
  const scene = str(data['scene']) ?? interactionSceneByChatType[Number(data['chat_type'])];
  return scene !== undefined && Object.hasOwn(interactionTargetFields, scene) ? (scene as keyof typeof interactionTargetFields) : undefined;
}

/**
 * The reply target of an event, or undefined when it cannot be replied to. Which events, which id and which payload
 * field are the table in src/protocol/reply-rules.ts: user messages by `msg_id` = `d.id`, the events that accept it
 * by `event_id` = the envelope id.
 */
export function replyTargetOf(type: string, data: unknown, envelopeId: string | null): ReplyTarget | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const rule = replyableEventRule(type);
  if (!rule) return undefined;
  const payload = data as Data;
  const scene = rule.scene === 'from-payload' ? interactionScene(payload) : rule.scene;
  if (!scene) return undefined;
  const fields = rule.scene === 'from-payload' ? interactionTargetFields[scene as keyof typeof interactionTargetFields] : rule.targetFields;
  const target = firstField(payload, fields);
  const msgId = rule.key === 'msg_id' ? str(payload['id']) : undefined;
  const eventId = rule.key === 'event_id' ? (envelopeId ?? undefined) : undefined;
  if (!target || (!msgId && !eventId)) return undefined;
  return { scene, target, ...(msgId ? { msgId } : {}), ...(eventId ? { eventId } : {}) };
}

/** Event types `reply()` works for: the known types whose table row names a place to reply to. */
export const replyableEventTypes: (keyof ReplyableEvents)[] = qqEventTypes.filter((type): type is keyof ReplyableEvents => {
  const rule = replyableEventRule(type);
  return rule !== undefined && (rule.scene === 'from-payload' || rule.targetFields.length > 0);
});
