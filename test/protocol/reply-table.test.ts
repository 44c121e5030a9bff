/**
 * One table of replyable events (src/protocol/reply-rules.ts), read by reply(), the event types and the REST checks;
 * and the emulator's own copy (src/emulator/rest/reply-policy.ts), kept apart on purpose: the emulator is the
 * platform the client is tested against, so it states the rules from the reference by itself. This file ties the two,
 * so a change to one side fails here until the other side, and the reference section both cite, agree.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { replyableEventTypes, replyTargetOf } from '../../src/events/reply-target.js';
import type { BotEvent } from '../../src/events/types.js';
import { qqEventTypes, type QQEventType } from '../../src/protocol/events.js';
import { acceptsEventId, replyRules, type ReplyableEvents, type ReplyScene } from '../../src/protocol/reply-rules.js';
import { acceptsEventId as emulatorAccepts, replyPolicy } from '../../src/emulator/rest/reply-policy.js';

const scenes: ReplyScene[] = ['c2c', 'group', 'guild', 'dm'];

describe('the client table and the emulator policy agree', () => {
  it('on windows, counts and msg_seq per scene', () => {
    for (const scene of scenes) {
      const { windowMs, maxReplies, usesMsgSeq } = replyRules[scene];
      expect({ scene, windowMs, maxReplies, usesMsgSeq }).toEqual({
        scene,
        windowMs: replyPolicy[scene].windowMs,
        maxReplies: replyPolicy[scene].maxReplies,
        usesMsgSeq: replyPolicy[scene].usesMsgSeq,
      });
    }
  });

  it('on which event each scene takes as event_id, for every known type and an unknown forum one', () => {
    for (const scene of scenes) {
      for (const type of [...qqEventTypes, 'FORUM_SOMETHING_NEW', 'OPEN_FORUM_SOMETHING_NEW']) {
        expect({ scene, type, accepted: acceptsEventId(scene, type) }).toEqual({ scene, type, accepted: emulatorAccepts(scene, type) });
      }
    }
  });
});

describe('the table (reference §9.3)', () => {
  it('takes FORUM_* and GUILD_MEMBER_* event ids in guild channels, not OPEN_FORUM_*', () => {
    for (const type of ['FORUM_THREAD_CREATE', 'FORUM_REPLY_DELETE', 'FORUM_PUBLISH_AUDIT_RESULT', 'GUILD_MEMBER_ADD']) {
      expect(acceptsEventId('guild', type)).toBe(true);
    }
    expect(acceptsEventId('guild', 'OPEN_FORUM_THREAD_CREATE')).toBe(false);
    expect(acceptsEventId('guild', 'INTERACTION_CREATE')).toBe(false);
  });

  it('gives every forum event a channel target, and guild-member events none (their payload names no channel)', () => {
    expect(replyTargetOf('FORUM_POST_CREATE', { channel_id: 'C1', guild_id: 'G1' }, 'FORUM_POST_CREATE:1')).toEqual({
      scene: 'guild',
      target: 'C1',
      eventId: 'FORUM_POST_CREATE:1',
    });
    expect(replyTargetOf('GUILD_MEMBER_ADD', { guild_id: 'G1', user: { id: 'U1' } }, 'GUILD_MEMBER_ADD:1')).toBeUndefined();
    expect(replyTargetOf('OPEN_FORUM_POST_CREATE', { channel_id: 'C1' }, 'X:1')).toBeUndefined();
  });

  it('lists exactly the answerable known types, the same set the types declare', () => {
    const listed = [...replyableEventTypes].sort();
    expect(listed).toContain('FORUM_THREAD_CREATE');
    expect(listed).not.toContain('GUILD_MEMBER_ADD');
    const answerable = qqEventTypes.filter((type) => scenes.some((scene) => acceptsEventId(scene, type)) || ['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'GROUP_MESSAGE_CREATE', 'AT_MESSAGE_CREATE', 'MESSAGE_CREATE', 'DIRECT_MESSAGE_CREATE'].includes(type));
    expect(listed).toEqual(answerable.filter((type) => !type.startsWith('GUILD_MEMBER_')).sort());
  });

  it('types reply() on forum events and not on guild-member or public-forum events', () => {
    expectTypeOf<ReplyableEvents['FORUM_THREAD_CREATE']>().toEqualTypeOf<'guild'>();
    expectTypeOf<ReplyableEvents['C2C_MESSAGE_CREATE']>().toEqualTypeOf<'c2c'>();
    expectTypeOf<ReplyableEvents['DIRECT_MESSAGE_CREATE']>().toEqualTypeOf<'dm'>();
    expectTypeOf<ReplyableEvents['INTERACTION_CREATE']>().toEqualTypeOf<ReplyScene>();
    expectTypeOf<Extract<keyof ReplyableEvents, 'GUILD_MEMBER_ADD' | 'OPEN_FORUM_THREAD_CREATE' | 'FRIEND_DEL'>>().toEqualTypeOf<never>();
    expectTypeOf<BotEvent<'FORUM_REPLY_CREATE'>>().toHaveProperty('reply');
    expectTypeOf<keyof ReplyableEvents>().toEqualTypeOf<(typeof replyableEventTypes)[number]>();
    const keys: QQEventType[] = replyableEventTypes;
    expect(keys.length).toBe(replyableEventTypes.length);
  });
});
