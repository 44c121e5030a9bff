/**
 * Intent bits, their events, and which are private-bot (私域) only.
 * Source: reference §6.1/§6.2 ([DOCS] event-emit.md "事件订阅Intents"; bits 18/19 from botpy/satori/NoneBot,
 * 23 from botgo, 24 from NoneBot — those four are UNCONFIRMED in the docs).
 */
export interface IntentInfo {
  readonly bit: number;
  readonly privateOnly: boolean;
  readonly events: readonly string[];
  readonly confirmed: boolean;
}

export const intentTable = {
  GUILDS: { bit: 1 << 0, privateOnly: false, confirmed: true, events: ['GUILD_CREATE', 'GUILD_UPDATE', 'GUILD_DELETE', 'CHANNEL_CREATE', 'CHANNEL_UPDATE', 'CHANNEL_DELETE'] },
  GUILD_MEMBERS: { bit: 1 << 1, privateOnly: false, confirmed: true, events: ['GUILD_MEMBER_ADD', 'GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_REMOVE'] },
  GUILD_MESSAGES: { bit: 1 << 9, privateOnly: true, confirmed: true, events: ['MESSAGE_CREATE', 'MESSAGE_DELETE'] },
  GUILD_MESSAGE_REACTIONS: { bit: 1 << 10, privateOnly: false, confirmed: true, events: ['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE'] },
  DIRECT_MESSAGE: { bit: 1 << 12, privateOnly: false, confirmed: true, events: ['DIRECT_MESSAGE_CREATE', 'DIRECT_MESSAGE_DELETE'] },
  OPEN_FORUMS_EVENT: { bit: 1 << 18, privateOnly: false, confirmed: false, events: ['OPEN_FORUM_THREAD_CREATE', 'OPEN_FORUM_THREAD_UPDATE', 'OPEN_FORUM_THREAD_DELETE', 'OPEN_FORUM_POST_CREATE', 'OPEN_FORUM_POST_DELETE', 'OPEN_FORUM_REPLY_CREATE', 'OPEN_FORUM_REPLY_DELETE'] },
  AUDIO_OR_LIVE_CHANNEL_MEMBER: { bit: 1 << 19, privateOnly: false, confirmed: false, events: ['AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER', 'AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT'] },
  ENTER_AIO: { bit: 1 << 23, privateOnly: false, confirmed: false, events: ['ENTER_AIO'] },
  GROUP_MEMBERS: { bit: 1 << 24, privateOnly: false, confirmed: false, events: ['GROUP_MEMBER_ADD', 'GROUP_MEMBER_REMOVE'] },
  GROUP_AND_C2C_EVENT: { bit: 1 << 25, privateOnly: false, confirmed: true, events: ['C2C_MESSAGE_CREATE', 'FRIEND_ADD', 'FRIEND_DEL', 'C2C_MSG_REJECT', 'C2C_MSG_RECEIVE', 'GROUP_AT_MESSAGE_CREATE', 'GROUP_ADD_ROBOT', 'GROUP_DEL_ROBOT', 'GROUP_MSG_REJECT', 'GROUP_MSG_RECEIVE', 'SUBSCRIBE_MESSAGE_STATUS'] },
  INTERACTION: { bit: 1 << 26, privateOnly: false, confirmed: true, events: ['INTERACTION_CREATE'] },
  MESSAGE_AUDIT: { bit: 1 << 27, privateOnly: false, confirmed: true, events: ['MESSAGE_AUDIT_PASS', 'MESSAGE_AUDIT_REJECT'] },
  FORUMS_EVENT: { bit: 1 << 28, privateOnly: true, confirmed: true, events: ['FORUM_THREAD_CREATE', 'FORUM_THREAD_UPDATE', 'FORUM_THREAD_DELETE', 'FORUM_POST_CREATE', 'FORUM_POST_DELETE', 'FORUM_REPLY_CREATE', 'FORUM_REPLY_DELETE', 'FORUM_PUBLISH_AUDIT_RESULT'] },
  AUDIO_ACTION: { bit: 1 << 29, privateOnly: false, confirmed: true, events: ['AUDIO_START', 'AUDIO_FINISH', 'AUDIO_ON_MIC', 'AUDIO_OFF_MIC'] },
  PUBLIC_GUILD_MESSAGES: { bit: 1 << 30, privateOnly: false, confirmed: true, events: ['AT_MESSAGE_CREATE', 'PUBLIC_MESSAGE_DELETE'] },
} as const satisfies Record<string, IntentInfo>;

export type IntentName = keyof typeof intentTable;

export const intentNames = Object.keys(intentTable) as IntentName[];

/** Every bit we know of, OR-ed. */
export const knownIntentBits = intentNames.reduce((mask, name) => mask | intentTable[name].bit, 0) >>> 0;

/** Bits that only private-domain (私域) bots may request. */
export const privateIntentBits = intentNames
  .filter((name) => intentTable[name].privateOnly)
  .reduce((mask, name) => mask | intentTable[name].bit, 0) >>> 0;

/** The intents a public bot gets without approval (reference §6.2). */
export const basicIntentBits = (intentTable.GUILDS.bit | intentTable.GUILD_MEMBERS.bit | intentTable.PUBLIC_GUILD_MESSAGES.bit) >>> 0;

/** The intent that carries an event type, if we know it. */
export function intentForEvent(eventType: string): IntentName | undefined {
  return intentNames.find((name) => (intentTable[name].events as readonly string[]).includes(eventType));
}

export function isIntentName(value: string): value is IntentName {
  return Object.prototype.hasOwnProperty.call(intentTable, value);
}

/** Names present in a bitmask, for messages and logs. */
export function intentNamesOf(mask: number): IntentName[] {
  return intentNames.filter((name) => (mask & intentTable[name].bit) !== 0);
}
