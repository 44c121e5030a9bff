/**
 * The seven event injectors, in one place. `emu.c2cMessage()` (gateway), `emu.webhook.c2cMessage()` (webhook) and
 * the admin API's `POST /_emulator/events/{route}` all come from this table; each transport supplies only how it
 * delivers `{type, data}`.
 */
import {
  c2cMessagePayload,
  directMessagePayload,
  friendAddPayload,
  groupAddRobotPayload,
  groupAtMessagePayload,
  guildAtMessagePayload,
  interactionPayload,
  type C2cMessageOptions,
  type DirectMessageOptions,
  type FriendAddOptions,
  type GroupAddRobotOptions,
  type GroupAtMessageOptions,
  type GuildAtMessageOptions,
  type InteractionOptions,
  type PayloadContext,
} from './payloads.js';

/** The payload helpers, each returning `R` (the gateway: an `InjectedEvent`; webhook: a promise of the delivery). */
export interface EventInjectors<R> {
  /** A user's private (C2C) message. */
  c2cMessage(options: C2cMessageOptions): R;
  /** A group message that @-mentions the bot. */
  groupAtMessage(options: GroupAtMessageOptions): R;
  /** A guild channel message that @-mentions the bot. */
  guildAtMessage(options: GuildAtMessageOptions): R;
  /** A guild direct message. */
  directMessage(options: DirectMessageOptions): R;
  /** A button click (INTERACTION_CREATE type 11). */
  interaction(options: InteractionOptions): R;
  /** A user adds the bot as a friend. */
  friendAdd(options?: FriendAddOptions): R;
  /** The bot is added to a group. */
  groupAddRobot(options?: GroupAddRobotOptions): R;
}

export type InjectorName = keyof EventInjectors<unknown>;

interface InjectorRow<O> {
  /** The dispatch's `t`. */
  readonly type: string;
  readonly payload: (options: O, ctx: PayloadContext) => Record<string, unknown>;
  /** Admin API path segment, `POST /_emulator/events/{route}`. */
  readonly route: string;
  /** The options, as the admin API's route list shows them. */
  readonly summary: string;
}

type InjectorTable = { readonly [N in InjectorName]: InjectorRow<Parameters<EventInjectors<unknown>[N]>[0] & {}> };

export const eventInjectors: InjectorTable = {
  c2cMessage: { type: 'C2C_MESSAGE_CREATE', payload: c2cMessagePayload, route: 'c2c-message', summary: '{content, userOpenid?, msgId?, attachments?}' },
  groupAtMessage: { type: 'GROUP_AT_MESSAGE_CREATE', payload: groupAtMessagePayload, route: 'group-at-message', summary: '{content, groupOpenid?, memberOpenid?, msgId?}' },
  guildAtMessage: { type: 'AT_MESSAGE_CREATE', payload: guildAtMessagePayload, route: 'guild-at-message', summary: '{content, guildId?, channelId?, author?, mention?}' },
  directMessage: { type: 'DIRECT_MESSAGE_CREATE', payload: directMessagePayload, route: 'direct-message', summary: '{content, guildId?, channelId?, srcGuildId?}' },
  interaction: { type: 'INTERACTION_CREATE', payload: interactionPayload, route: 'interaction', summary: '{scene: c2c|group|guild, buttonData?, buttonId?, …}' },
  friendAdd: { type: 'FRIEND_ADD', payload: friendAddPayload, route: 'friend-add', summary: '{openid?}' },
  groupAddRobot: { type: 'GROUP_ADD_ROBOT', payload: groupAddRobotPayload, route: 'group-add-robot', summary: '{groupOpenid?, opMemberOpenid?}' },
};

export const injectorNames = Object.keys(eventInjectors) as InjectorName[];

/** The dispatch an injector sends: its type and a payload built from the options (missing options: defaults). */
export function injectedDispatch(name: InjectorName, options: unknown, ctx: PayloadContext): { type: string; data: Record<string, unknown> } {
  const row = eventInjectors[name] as InjectorRow<unknown>;
  return { type: row.type, data: row.payload(options ?? {}, ctx) };
}

/** `d.id` where the event has one: the id a passive reply's `msg_id` names, or the interaction id. */
export function injectedMsgId(data: Record<string, unknown>): string | undefined {
  return typeof data.id === 'string' ? data.id : undefined;
}

/**
 * Puts the seven injectors on a class's prototype, each building its payload and handing `{type, data}` to
 * `deliver`. The class declares them by merging `interface X extends EventInjectors<R> {}`.
 */
export function installInjectors<T, R>(
  prototype: T,
  deliver: (self: T, type: string, data: Record<string, unknown>) => R,
  context: (self: T) => PayloadContext,
): void {
  for (const name of injectorNames) {
    Object.defineProperty(prototype, name, {
      value: function (this: T, options?: unknown): R {
        const { type, data } = injectedDispatch(name, options, context(this));
        return deliver(this, type, data);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
