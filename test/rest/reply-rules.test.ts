import { describe, expect, expectTypeOf, it } from 'vitest';
import { QQConfigError } from '../../src/errors.js';
import {
  acceptsEventId,
  createReply,
  createReplyContext,
  formatDuration,
  QQApiError,
  QQMessageAuditError,
  QQReplyRuleError,
  replyRules,
  type ReplyBody,
  type ReplyScene,
} from '../../src/rest/index.js';
import { fakeClient, type RecordedCall } from './support/fake-client.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 1);

function clock() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function ruleError(fn: () => unknown): QQReplyRuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QQReplyRuleError);
    return error as QQReplyRuleError;
  }
  throw new Error('expected a QQReplyRuleError');
}

async function asyncRuleError(promise: Promise<unknown>): Promise<QQReplyRuleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QQReplyRuleError);
  return error as QQReplyRuleError;
}

const bodyOf = (call: RecordedCall | undefined): Record<string, unknown> => call?.args[1] as Record<string, unknown>;

describe('the rule table (reference §9.3, §9.4)', () => {
  it('has the documented windows and reply counts', () => {
    expect(replyRules.c2c).toMatchObject({ windowMs: 60 * MINUTE, maxReplies: 5 });
    expect(replyRules.group).toMatchObject({ windowMs: 5 * MINUTE, maxReplies: 5 });
    expect(replyRules.guild).toMatchObject({ windowMs: 5 * MINUTE, maxReplies: Infinity });
    expect(replyRules.dm).toMatchObject({ windowMs: 5 * MINUTE, maxReplies: Infinity });
  });

  it('knows which events take event_id replies', () => {
    for (const type of ['INTERACTION_CREATE', 'C2C_MSG_RECEIVE', 'FRIEND_ADD']) expect(acceptsEventId('c2c', type)).toBe(true);
    for (const type of ['INTERACTION_CREATE', 'GROUP_ADD_ROBOT', 'GROUP_MSG_RECEIVE']) expect(acceptsEventId('group', type)).toBe(true);
    for (const type of ['GUILD_MEMBER_ADD', 'MESSAGE_REACTION_REMOVE', 'FORUM_THREAD_CREATE']) expect(acceptsEventId('guild', type)).toBe(true);
    for (const [scene, type] of [['c2c', 'FRIEND_DEL'], ['group', 'GROUP_DEL_ROBOT'], ['c2c', 'C2C_MSG_REJECT'], ['dm', 'DIRECT_MESSAGE_CREATE']] as const) {
      expect(acceptsEventId(scene, type)).toBe(false);
    }
  });

  it('formats durations in the units of the table', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(5 * MINUTE)).toBe('5 min');
    expect(formatDuration(60 * MINUTE + 1)).toBe('60 min 1 s');
    expect(formatDuration(26 * 60 * MINUTE + 5 * MINUTE)).toBe('26 h 5 min');
  });
});

describe('msg_seq allocation', () => {
  it('numbers the replies to one message 1, 2, 3 and sends msg_id with each', async () => {
    const { client, calls } = fakeClient();
    const ctx = createReplyContext({ scene: 'c2c', target: 'U1', msgId: 'M1', receivedAt: T0, now: () => T0 });
    const { reply } = createReply(client, ctx);
    await reply('one');
    await reply({ msg_type: 2, markdown: { content: '**two**' } });
    await reply('three');
    expect(calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['sendC2CMessage', 'U1'],
      ['sendC2CMessage', 'U1'],
      ['sendC2CMessage', 'U1'],
    ]);
    expect(calls.map(bodyOf)).toEqual([
      { msg_type: 0, content: 'one', msg_id: 'M1', msg_seq: 1 },
      { msg_type: 2, markdown: { content: '**two**' }, msg_id: 'M1', msg_seq: 2 },
      { msg_type: 0, content: 'three', msg_id: 'M1', msg_seq: 3 },
    ]);
  });

  it('never reuses a msg_seq, even after a send failed; the slot stays taken when the outcome is unknown', async () => {
    let fail = true;
    const { client, calls } = fakeClient((call) => {
      if (fail) {
        fail = false;
        throw new QQApiError({ method: 'POST', path: '/v2/groups/G1/messages', status: 0, message: 'timeout' });
      }
      return { id: `ok-${call.args[0] as string}`, timestamp: 1 };
    });
    const ctx = createReplyContext({ scene: 'group', target: 'G1', msgId: 'M1', receivedAt: T0, now: () => T0 });
    const { reply, remaining } = createReply(client, ctx);
    await expect(reply('lost?')).rejects.toMatchObject({ status: 0 });
    expect(remaining().replies).toBe(4);
    await reply('again');
    expect(calls.map((c) => bodyOf(c).msg_seq)).toEqual([1, 2]);
  });

  it('gives the slot back (not the msg_seq) when the platform refused the send', async () => {
    let answer: unknown = new QQApiError({ method: 'POST', path: '/p', status: 400, platformCode: 50006 });
    const { client, calls } = fakeClient(() => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    const ctx = createReplyContext({ scene: 'c2c', target: 'U1', msgId: 'M1', receivedAt: T0, now: () => T0 });
    const { reply, remaining } = createReply(client, ctx);
    await expect(reply('')).rejects.toBeInstanceOf(QQApiError);
    expect(remaining().replies).toBe(5);
    answer = new QQMessageAuditError({ method: 'POST', path: '/p', status: 202, platformCode: 304024, auditId: 'A' });
    await expect(reply('audited')).rejects.toBeInstanceOf(QQMessageAuditError);
    expect(remaining().replies).toBe(4); // an audited message was accepted: it counts
    expect(calls.map((c) => bodyOf(c).msg_seq)).toEqual([1, 2]);
  });
});

describe('reply windows, checked before any request', () => {
  const cases: Array<[ReplyScene, number, string]> = [
    ['c2c', 60 * MINUTE, 'sendC2CMessage'],
    ['group', 5 * MINUTE, 'sendGroupMessage'],
    ['guild', 5 * MINUTE, 'sendChannelMessage'],
    ['dm', 5 * MINUTE, 'sendDirectMessage'],
  ];
  for (const [scene, windowMs, method] of cases) {
    it(`${scene}: replies up to ${windowMs / MINUTE} min after the message, then refuses`, async () => {
      const time = clock();
      const { client, calls } = fakeClient();
      const ctx = createReplyContext({ scene, target: 'T1', msgId: 'M1', receivedAt: T0, now: time.now });
      const { reply, remaining } = createReply(client, ctx);
      time.advance(windowMs);
      expect(remaining().msLeft).toBe(0);
      await reply('just in time');
      expect(calls.map((c) => c.method)).toEqual([method]);

      time.advance(1_000);
      const error = await asyncRuleError(reply('too late'));
      expect(error).toMatchObject({ code: 'REPLY_RULE', rule: 'window', scene, elapsedMs: windowMs + 1_000, limit: windowMs });
      expect(error.message).toContain(`arrived ${formatDuration(windowMs + 1_000)} ago`);
      expect(error.message).toContain(`reply window is ${formatDuration(windowMs)}`);
      expect(calls).toHaveLength(1);
    });
  }

  it('remaining() counts down the window and the replies', async () => {
    const time = clock();
    const { client } = fakeClient();
    const { reply, remaining } = createReply(client, createReplyContext({ scene: 'group', target: 'G', msgId: 'M', receivedAt: T0, now: time.now }));
    expect(remaining()).toEqual({ replies: 5, msLeft: 5 * MINUTE });
    time.advance(MINUTE);
    await reply('x');
    expect(remaining()).toEqual({ replies: 4, msLeft: 4 * MINUTE });
  });
});

describe('the reply count', () => {
  it.each(['c2c', 'group'] as const)('%s: five replies per message, the sixth is refused locally', async (scene) => {
    const { client, calls } = fakeClient();
    const { reply, remaining } = createReply(client, createReplyContext({ scene, target: 'T', msgId: 'M', receivedAt: T0, now: () => T0 }));
    for (let i = 1; i <= 5; i++) await reply(`reply ${i}`);
    expect(remaining().replies).toBe(0);
    const error = await asyncRuleError(reply('sixth'));
    expect(error).toMatchObject({ rule: 'reply-limit', limit: 5 });
    expect(error.message).toMatch(/already has 5 replies/);
    expect(calls).toHaveLength(5);
  });

  it('guild channels have no per-message count, and their bodies carry no msg_seq', async () => {
    const { client, calls } = fakeClient();
    const { reply, remaining } = createReply(client, createReplyContext({ scene: 'guild', target: 'C1', msgId: 'M', receivedAt: T0, now: () => T0 }));
    for (let i = 1; i <= 7; i++) await reply(`reply ${i}`);
    expect(remaining().replies).toBe(Infinity);
    expect(bodyOf(calls[6])).toEqual({ content: 'reply 7', msg_id: 'M' });
  });
});

describe('event_id replies', () => {
  it('uses event_id (the envelope id) and msg_seq when there is no msg_id', async () => {
    const { client, calls } = fakeClient();
    const ctx = createReplyContext({ scene: 'group', target: 'G1', eventId: 'GROUP_ADD_ROBOT:abc', eventType: 'GROUP_ADD_ROBOT', receivedAt: T0, now: () => T0 });
    await createReply(client, ctx).reply('welcome');
    expect(bodyOf(calls[0])).toEqual({ msg_type: 0, content: 'welcome', event_id: 'GROUP_ADD_ROBOT:abc', msg_seq: 1 });
  });

  it('prefers msg_id when both are known', () => {
    const ctx = createReplyContext({ scene: 'c2c', target: 'U', msgId: 'M', eventId: 'C2C_MESSAGE_CREATE:1', receivedAt: T0, now: () => T0 });
    expect(ctx.claim()).toEqual({ msg_id: 'M', msg_seq: 1 });
  });

  it('refuses events that take no event_id, and contexts with nothing to reply to', () => {
    const friendDel = createReplyContext({ scene: 'c2c', target: 'U', eventId: 'FRIEND_DEL:1', eventType: 'FRIEND_DEL', receivedAt: T0, now: () => T0 });
    expect(ruleError(() => friendDel.claim())).toMatchObject({ rule: 'not-replyable' });
    expect(ruleError(() => friendDel.check()).message).toMatch(/FRIEND_DEL events cannot be replied to by event_id/);
    const nothing = createReplyContext({ scene: 'group', target: 'G', receivedAt: T0, now: () => T0 });
    expect(ruleError(() => nothing.check()).message).toMatch(/no msg_id or event_id/);
  });
});

describe('media replies', () => {
  it('uploads with srv_send_msg false, then sends msg_type 7 with the file_info, as one reply', async () => {
    const { client, calls } = fakeClient();
    const { replyMedia, remaining } = createReply(client, createReplyContext({ scene: 'c2c', target: 'U1', msgId: 'M1', receivedAt: T0, now: () => T0 }));
    const png = Buffer.from([1, 2, 3]);
    await replyMedia({ file_type: 1, data: png });
    expect(calls.map((c) => c.method)).toEqual(['uploadC2CMedia', 'sendC2CMessage']);
    expect(calls[0]?.args).toEqual(['U1', { file_type: 1, srv_send_msg: false, data: png }]);
    expect(bodyOf(calls[1])).toEqual({ msg_type: 7, media: { file_info: 'FILE_INFO_1' }, content: ' ', msg_id: 'M1', msg_seq: 1 });
    expect(remaining().replies).toBe(4);
  });

  it('group media goes to the group upload endpoint, with a caption', async () => {
    const { client, calls } = fakeClient();
    const { replyMedia } = createReply(client, createReplyContext({ scene: 'group', target: 'G1', msgId: 'M1', receivedAt: T0, now: () => T0 }));
    await replyMedia({ file_type: 2, url: 'https://e.com/v.mp4', content: 'clip' });
    expect(calls[0]?.args).toEqual(['G1', { file_type: 2, srv_send_msg: false, url: 'https://e.com/v.mp4' }]);
    expect(bodyOf(calls[1])).toMatchObject({ msg_type: 7, content: 'clip' });
  });

  it('does not upload when the reply could not be made', async () => {
    const time = clock();
    const { client, calls } = fakeClient();
    const { replyMedia } = createReply(client, createReplyContext({ scene: 'group', target: 'G1', msgId: 'M1', receivedAt: T0, now: time.now }));
    time.advance(5 * MINUTE + 1);
    await asyncRuleError(replyMedia({ file_type: 1, url: 'https://e.com/a.png' }));
    expect(calls).toHaveLength(0);
  });

  it('guild channels take an image URL in the body; other media are refused', async () => {
    const { client, calls } = fakeClient();
    const { replyMedia } = createReply(client, createReplyContext({ scene: 'guild', target: 'C1', msgId: 'M1', receivedAt: T0, now: () => T0 }));
    await replyMedia({ file_type: 1, url: 'https://e.com/a.png' });
    expect(calls[0]).toEqual({ method: 'sendChannelMessage', args: ['C1', { image: 'https://e.com/a.png', msg_id: 'M1' }] });
    const error = await asyncRuleError(replyMedia({ file_type: 2, url: 'https://e.com/v.mp4' }));
    expect(error.rule).toBe('media-scene');
    expect(calls).toHaveLength(1);
  });
});

describe('context validation and body types', () => {
  it('rejects a context that could only misfire', () => {
    expect(() => createReplyContext({ scene: 'channel' as ReplyScene, target: 'T', msgId: 'M', receivedAt: T0 })).toThrow(/scene.*c2c, group, guild, dm/);
    expect(() => createReplyContext({ scene: 'c2c', target: '', msgId: 'M', receivedAt: T0 })).toThrow(QQConfigError);
    expect(() => createReplyContext({ scene: 'c2c', target: 'T', msgId: 'M', receivedAt: Number.NaN })).toThrow(/receivedAt/);
  });

  it('types reply bodies per scene (checked by tsc)', () => {
    expectTypeOf<ReplyBody<'c2c'>>().toEqualTypeOf<ReplyBody<'group'>>();
    expectTypeOf<{ msg_type: 0; content: string }>().toMatchTypeOf<ReplyBody<'c2c'>>();
    expectTypeOf<{ image: string }>().toMatchTypeOf<ReplyBody<'guild'>>();
    const c2cBody = (body: ReplyBody<'c2c'>) => body;
    const dmBody = (body: ReplyBody<'dm'>) => body;
    // @ts-expect-error msg_seq is the context's to allocate
    c2cBody({ msg_type: 0, content: 'x', msg_seq: 1 });
    // @ts-expect-error channel bodies have no msg_type
    dmBody({ msg_type: 0, content: 'x' });
    // @ts-expect-error msg_type 2 needs markdown
    c2cBody({ msg_type: 2, content: 'x' });
  });
});
