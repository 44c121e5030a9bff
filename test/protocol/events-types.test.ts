/**
 * Type-level guarantees of the event map. The assertions are checked by `tsc --noEmit -p .` (part of `npm test`);
 * vitest's `expectTypeOf` is a no-op at run time. Each `@ts-expect-error` line fails the type check if it ever
 * compiles, i.e. if a wrong field access stops being an error.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isKnownQQEvent,
  isQQEventType,
  qqEventTypes,
  type AnyQQEvent,
  type C2CMessage,
  type DirectMessage,
  type EventOf,
  type FriendLifecycle,
  type GroupLifecycle,
  type GroupMessage,
  type GuildMessage,
  type Interaction,
  type KnownQQEvent,
  type QQEvent,
  type QQEventMap,
  type QQEventType,
  type UnknownEventType,
  type UnknownQQEvent,
} from '../../src/protocol/events.js';

// Type-only probes: never called.
function narrowsOnType(e: AnyQQEvent): void {
  if (e.type === 'C2C_MESSAGE_CREATE') {
    expectTypeOf(e).toEqualTypeOf<EventOf<'C2C_MESSAGE_CREATE'>>();
    expectTypeOf(e.data).toEqualTypeOf<C2CMessage>();
    expectTypeOf(e.data.author.user_openid).toBeString();
    expectTypeOf(e.data.timestamp).toBeString();
    // @ts-expect-error C2C authors have user_openid, not member_openid
    void e.data.author.member_openid;
    // @ts-expect-error no group_openid on a C2C message
    void e.data.group_openid;
  }
  if (e.type === 'GROUP_AT_MESSAGE_CREATE' || e.type === 'GROUP_MESSAGE_CREATE') {
    expectTypeOf(e.data).toEqualTypeOf<GroupMessage>();
    expectTypeOf(e.data.author.member_openid).toBeString();
    expectTypeOf(e.data.group_openid).toBeString();
    // @ts-expect-error group authors have member_openid, not user_openid
    void e.data.author.user_openid;
  }
  if (e.type === 'FRIEND_ADD') {
    expectTypeOf(e.data).toEqualTypeOf<FriendLifecycle>();
    expectTypeOf(e.data.timestamp).toBeNumber();
    expectTypeOf(e.data.openid).toBeString();
  }
  if (e.type === 'INTERACTION_CREATE') {
    expectTypeOf(e.data).toEqualTypeOf<Interaction>();
    expectTypeOf(e.data.data.resolved.button_data).toEqualTypeOf<string | undefined>();
    expectTypeOf(e.data.scene).toEqualTypeOf<'c2c' | 'group' | 'guild' | undefined>();
  }
  // Before narrowing, data is not usable as any particular payload.
  // @ts-expect-error e.data is unknown until `type` is narrowed
  void e.data.author;
}

function switchIsExhaustiveWithAnUnknownDefault(e: AnyQQEvent): string {
  switch (e.type) {
    case 'AT_MESSAGE_CREATE':
    case 'MESSAGE_CREATE':
      expectTypeOf(e.data).toEqualTypeOf<GuildMessage>();
      return e.data.author.id;
    case 'DIRECT_MESSAGE_CREATE':
      expectTypeOf(e.data).toEqualTypeOf<DirectMessage>();
      return e.data.src_guild_id ?? e.data.guild_id;
    case 'GROUP_ADD_ROBOT':
    case 'GROUP_DEL_ROBOT':
      expectTypeOf(e.data).toEqualTypeOf<GroupLifecycle>();
      return e.data.group_openid;
    default:
      if (!isKnownQQEvent(e)) {
        expectTypeOf(e).toEqualTypeOf<UnknownQQEvent>();
        expectTypeOf(e.data).toBeUnknown();
        const name: string = e.type; // an unknown type is still a string
        return name;
      }
      expectTypeOf(e).toExtend<KnownQQEvent>();
      return e.type;
  }
}

function unknownTypes(e: AnyQQEvent, u: UnknownQQEvent): void {
  // Comparing with a name this version does not know needs a widening first (see UnknownEventType).
  // @ts-expect-error TS2367: no overlap between the known names | UnknownEventType and 'SOMETHING_NEW'
  void (e.type === 'SOMETHING_NEW');
  void ((e.type as string) === 'SOMETHING_NEW');
  expectTypeOf(u.type).toEqualTypeOf<UnknownEventType>();
  expectTypeOf(u.type).toExtend<string>();
  // @ts-expect-error a plain string is not an UnknownEventType: unknown events are made by the runtime only
  const forged: UnknownQQEvent = { type: 'SOMETHING_NEW', id: null, seq: null, shard: 0, data: null, receivedAt: 0 };
  void forged;
}

function wrongPayloads(c2c: EventOf<'C2C_MESSAGE_CREATE'>, group: EventOf<'GROUP_ADD_ROBOT'>): void {
  // @ts-expect-error lifecycle timestamps are numbers
  const s: string = group.data.timestamp;
  // @ts-expect-error message timestamps are strings
  const n: number = c2c.data.timestamp;
  // @ts-expect-error snake_case on the wire, no camelCase aliases
  void c2c.data.messageScene;
  // @ts-expect-error ids are strings
  const id: number = c2c.data.id;
  void [s, n, id];
}

// @ts-expect-error READY is a connection event, not a user event
const ready: QQEventType = 'READY';
// @ts-expect-error RESUMED is a connection event, not a user event
const resumed: QQEventType = 'RESUMED';
void [ready, resumed, narrowsOnType, switchIsExhaustiveWithAnUnknownDefault, unknownTypes, wrongPayloads];

describe('event map types', () => {
  it('relate the map, the envelope and the runtime list', () => {
    expectTypeOf<QQEventType>().toEqualTypeOf<keyof QQEventMap>();
    expectTypeOf<KnownQQEvent['type']>().toEqualTypeOf<QQEventType>();
    expectTypeOf<EventOf<'FRIEND_DEL'>>().toEqualTypeOf<QQEvent<'FRIEND_DEL', FriendLifecycle>>();
    expectTypeOf<QQEventMap['GROUP_MESSAGE_CREATE']>().toEqualTypeOf<QQEventMap['GROUP_AT_MESSAGE_CREATE']>();
    expectTypeOf<AnyQQEvent>().toEqualTypeOf<KnownQQEvent | UnknownQQEvent>();
    expectTypeOf(qqEventTypes).toEqualTypeOf<readonly QQEventType[]>();
    expectTypeOf<QQEvent['id']>().toEqualTypeOf<string | null>();
    expectTypeOf<QQEvent['seq']>().toEqualTypeOf<number | null>();

    const t: string = 'C2C_MESSAGE_CREATE';
    if (isQQEventType(t)) expectTypeOf(t).toEqualTypeOf<QQEventType>();

    // and at run time, the narrowing the types promise is what the data carries
    const event = { type: 'C2C_MESSAGE_CREATE', id: null, seq: 1, shard: 0, data: { id: 'm', author: { user_openid: 'u' }, content: 'hi', timestamp: '2025-01-01T00:00:00+08:00' }, receivedAt: 0 } as AnyQQEvent;
    expect(event.type === 'C2C_MESSAGE_CREATE' ? event.data.author.user_openid : null).toBe('u');
    expect(isKnownQQEvent(event)).toBe(true);
  });
});
