import type { ReplyScene } from '../rest/reply-rules.js';

/** Where a reply to an inbound event goes, and which id makes it passive. */
export interface ReplyTarget {
  scene: ReplyScene;
  target: string;
  msgId?: string;
  eventId?: string;
}

type Data = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const author = (data: Data): Data => (typeof data['author'] === 'object' && data['author'] !== null ? (data['author'] as Data) : {});

/**
 * How each replyable event type is answered (reference §9.1, §9.3): user messages by `msg_id` = `d.id`,
 * the events that accept it by `event_id` = the envelope id. Types not listed cannot be replied to.
 */
const targets: Record<string, (data: Data, envelopeId: string | undefined) => ReplyTarget | undefined> = {
  C2C_MESSAGE_CREATE: (d) => withTarget('c2c', str(author(d)['user_openid']) ?? str(author(d)['id']), { msgId: str(d['id']) }),
  GROUP_AT_MESSAGE_CREATE: (d) => withTarget('group', str(d['group_openid']) ?? str(d['group_id']), { msgId: str(d['id']) }),
  GROUP_MESSAGE_CREATE: (d) => withTarget('group', str(d['group_openid']) ?? str(d['group_id']), { msgId: str(d['id']) }),
  AT_MESSAGE_CREATE: (d) => withTarget('guild', str(d['channel_id']), { msgId: str(d['id']) }),
  MESSAGE_CREATE: (d) => withTarget('guild', str(d['channel_id']), { msgId: str(d['id']) }),
  DIRECT_MESSAGE_CREATE: (d) => withTarget('dm', str(d['guild_id']), { msgId: str(d['id']) }),
  FRIEND_ADD: (d, id) => withTarget('c2c', str(d['openid']), { eventId: id }),
  C2C_MSG_RECEIVE: (d, id) => withTarget('c2c', str(d['openid']), { eventId: id }),
  GROUP_ADD_ROBOT: (d, id) => withTarget('group', str(d['group_openid']), { eventId: id }),
  GROUP_MSG_RECEIVE: (d, id) => withTarget('group', str(d['group_openid']), { eventId: id }),
  MESSAGE_REACTION_ADD: (d, id) => withTarget('guild', str(d['channel_id']), { eventId: id }),
  MESSAGE_REACTION_REMOVE: (d, id) => withTarget('guild', str(d['channel_id']), { eventId: id }),
  INTERACTION_CREATE: (d, id) => {
    const scene = str(d['scene']) ?? ({ 0: 'guild', 1: 'group', 2: 'c2c' } as Record<number, string>)[Number(d['chat_type'])];
    if (scene === 'c2c') return withTarget('c2c', str(d['user_openid']), { eventId: id });
    if (scene === 'group') return withTarget('group', str(d['group_openid']), { eventId: id });
    if (scene === 'guild') return withTarget('guild', str(d['channel_id']), { eventId: id });
    return undefined;
  },
};

function withTarget(scene: ReplyScene, target: string | undefined, ids: { msgId?: string | undefined; eventId?: string | undefined }): ReplyTarget | undefined {
  if (!target || (!ids.msgId && !ids.eventId)) return undefined;
  return { scene, target, ...(ids.msgId ? { msgId: ids.msgId } : {}), ...(ids.eventId ? { eventId: ids.eventId } : {}) };
}

/** The reply target of an event, or undefined when it cannot be replied to. */
export function replyTargetOf(type: string, data: unknown, envelopeId: string | null): ReplyTarget | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const forum = type.startsWith('FORUM_') ? targets['MESSAGE_REACTION_ADD'] : undefined;
  const resolve = targets[type] ?? forum;
  return resolve?.(data as Data, envelopeId ?? undefined);
}

/** Event types `reply()` works for. */
export const replyableEventTypes = Object.keys(targets);
