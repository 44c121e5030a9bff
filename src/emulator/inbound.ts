/**
 * The registry of inbound messages and events the emulator has pushed to the bot. The REST endpoints use it
 * to enforce passive-reply rules: a reply's `msg_id` / `event_id` must name something the bot actually received,
 * in the right scene and target, within the reply window (reference §9.3, §9.4).
 */
export type InboundScene = 'c2c' | 'group' | 'guild' | 'dm';

export interface InboundRecord {
  /** `d.id` of a user message (C2C, group @, guild @, DM). Absent for non-message events. */
  msgId?: string;
  /** The envelope `id`, e.g. `C2C_MESSAGE_CREATE:<uuid>`; what `event_id` in a reply refers to. */
  eventId: string;
  /** The event type `t`. */
  type: string;
  scene: InboundScene;
  /** User openid (c2c), group openid (group), channel id (guild), or guild id (dm). */
  target: string;
  /** When the event was pushed, in ms from the emulator's `now()`. */
  at: number;
  /** `d.id` of an INTERACTION_CREATE, the id `PUT /interactions/{id}` acknowledges. */
  interactionId?: string;
}

/** Looks inbound records up by message id or event id. Newest last; ids are unique per emulator. */
export class InboundRegistry {
  readonly #records: InboundRecord[] = [];
  readonly #byMsgId = new Map<string, InboundRecord>();
  readonly #byEventId = new Map<string, InboundRecord>();
  readonly #byInteractionId = new Map<string, InboundRecord>();

  add(record: InboundRecord): void {
    this.#records.push(record);
    this.#byEventId.set(record.eventId, record);
    if (record.msgId !== undefined) this.#byMsgId.set(record.msgId, record);
    if (record.interactionId !== undefined) this.#byInteractionId.set(record.interactionId, record);
  }

  /** The message whose `d.id` is `msgId` (a reply's `msg_id`). */
  byMsgId(msgId: string): InboundRecord | undefined {
    return this.#byMsgId.get(msgId);
  }

  /** The event whose envelope id is `eventId` (a reply's `event_id`). */
  byEventId(eventId: string): InboundRecord | undefined {
    return this.#byEventId.get(eventId);
  }

  /** The INTERACTION_CREATE whose `d.id` is `interactionId`. */
  byInteractionId(interactionId: string): InboundRecord | undefined {
    return this.#byInteractionId.get(interactionId);
  }

  /** Every record, oldest first. */
  all(): readonly InboundRecord[] {
    return this.#records;
  }

  get size(): number {
    return this.#records.length;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(data: unknown, ...path: string[]): string | undefined {
  let cursor: unknown = data;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string, unknown>)[key];
  }
  return text(cursor);
}

/**
 * The registry entry for a dispatched event, or undefined when the event has no scene/target we know
 * (READY, guild admin events, …). Scene and target come from the payload fields of reference §6.3.
 */
export function inboundRecordFor(type: string, eventId: string, data: unknown, at: number): InboundRecord | undefined {
  const base = { eventId, type, at };
  switch (type) {
    case 'C2C_MESSAGE_CREATE': {
      const target = field(data, 'author', 'user_openid') ?? field(data, 'author', 'id');
      return target ? withMsgId({ ...base, scene: 'c2c', target }, field(data, 'id')) : undefined;
    }
    case 'GROUP_AT_MESSAGE_CREATE':
    case 'GROUP_MESSAGE_CREATE': {
      const target = field(data, 'group_openid') ?? field(data, 'group_id');
      return target ? withMsgId({ ...base, scene: 'group', target }, field(data, 'id')) : undefined;
    }
    case 'AT_MESSAGE_CREATE':
    case 'MESSAGE_CREATE': {
      const target = field(data, 'channel_id');
      return target ? withMsgId({ ...base, scene: 'guild', target }, field(data, 'id')) : undefined;
    }
    case 'DIRECT_MESSAGE_CREATE': {
      const target = field(data, 'guild_id');
      return target ? withMsgId({ ...base, scene: 'dm', target }, field(data, 'id')) : undefined;
    }
    case 'FRIEND_ADD':
    case 'FRIEND_DEL':
    case 'C2C_MSG_RECEIVE':
    case 'C2C_MSG_REJECT': {
      const target = field(data, 'openid');
      return target ? { ...base, scene: 'c2c', target } : undefined;
    }
    case 'GROUP_ADD_ROBOT':
    case 'GROUP_DEL_ROBOT':
    case 'GROUP_MSG_RECEIVE':
    case 'GROUP_MSG_REJECT': {
      const target = field(data, 'group_openid');
      return target ? { ...base, scene: 'group', target } : undefined;
    }
    case 'INTERACTION_CREATE':
      return interactionRecord(base, data);
    default:
      return undefined;
  }
}

function withMsgId(record: InboundRecord, msgId: string | undefined): InboundRecord {
  return msgId === undefined ? record : { ...record, msgId };
}

function interactionRecord(base: { eventId: string; type: string; at: number }, data: unknown): InboundRecord | undefined {
  const interactionId = field(data, 'id');
  const scene = field(data, 'scene');
  let record: InboundRecord | undefined;
  if (scene === 'c2c') {
    const target = field(data, 'user_openid') ?? field(data, 'data', 'resolved', 'user_id');
    if (target) record = { ...base, scene: 'c2c', target };
  } else if (scene === 'group') {
    const target = field(data, 'group_openid');
    if (target) record = { ...base, scene: 'group', target };
  } else if (scene === 'guild') {
    const target = field(data, 'channel_id');
    if (target) record = { ...base, scene: 'guild', target };
  }
  if (record && interactionId) record.interactionId = interactionId;
  return record;
}
