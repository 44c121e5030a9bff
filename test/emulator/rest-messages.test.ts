/** C2C and group sends: body checks, passive-reply rules (msg_id, event_id, windows, reply count, msg_seq dedupe), active sends. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_OPENID, DEFAULT_USER_OPENID } from '../../src/emulator/index.js';
import { MINUTE, samples, startRestTestbed, type RestTestbed } from './rest-fixture.js';
import { fetchToken } from './support/emulator-fixture.js';

const C2C = `/v2/users/${DEFAULT_USER_OPENID}/messages`;
const GROUP = `/v2/groups/${DEFAULT_GROUP_OPENID}/messages`;

let t: RestTestbed;
beforeEach(async () => {
  t = await startRestTestbed();
});
afterEach(async () => {
  await t.emu.close();
});

const text = (extra: Record<string, unknown>) => ({ msg_type: 0, content: 'pong', ...extra });

describe('success answers', () => {
  it('a passive C2C reply answers {id, timestamp} like the captured response', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    const res = await t.api('POST', C2C, text({ msg_id: inbound.msgId }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(samples.c2cSendResponse).sort());
    expect(res.body.id).toMatch(/^ROBOT1\.0_/);
    expect(res.body.timestamp).toBe('2025-01-01T08:00:00+08:00');
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a passive group reply to an @-message is accepted', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    const res = await t.api('POST', GROUP, text({ msg_id: inbound.msgId, msg_seq: 1 }));
    expect(res.status).toBe(200);
  });

  it.each(['c2c', 'group'] as const)('a %s body without msg_type is text (botgo omits a zero msg_type)', async (scene) => {
    const inbound = scene === 'c2c' ? t.emu.c2cMessage({ content: 'ping' }) : t.emu.groupAtMessage({ content: 'ping' });
    const res = await t.api('POST', scene === 'c2c' ? C2C : GROUP, { content: 'pong', msg_id: inbound.msgId });
    expect(res.status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ scene, msgType: 0, passive: true, body: { content: 'pong' } });
  });

  it('reads JSON null as "not given", as botpy sends every unset parameter (api.py post_group_message)', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    const botpyBody = {
      group_openid: DEFAULT_GROUP_OPENID, msg_type: 0, content: 'pong', embed: null, ark: null, message_reference: null,
      media: null, msg_id: inbound.msgId, msg_seq: 1, event_id: null, markdown: null, keyboard: null,
    };
    expect((await t.api('POST', GROUP, botpyBody)).status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ msgType: 0, passive: true, msgId: inbound.msgId });
    // null is absent, not a value: a null content is still an empty text message.
    expect((await t.api('POST', GROUP, { ...botpyBody, content: null, msg_seq: 2 })).body).toMatchObject({ code: 50006 });
  });

  it('infers msg_type from the rich part when it is absent (qqbot-nodejs send())', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, { markdown: { content: '# hi' }, msg_id: inbound.msgId, msg_seq: 1 })).status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ msgType: 2 });
    expect((await t.api('POST', C2C, { ark: { template_id: 23, kv: [{ key: '#DESC#', value: 'd' }] }, msg_id: inbound.msgId, msg_seq: 2 })).status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ msgType: 3 });
    // An inferred markdown is still checked like an explicit one.
    expect((await t.api('POST', C2C, { markdown: {}, msg_id: inbound.msgId, msg_seq: 3 })).body).toMatchObject({ code: 40034124 });
  });

  it('accepts botgo markdown and keyboards: zero values instead of absent fields (dto/message_create.go, dto/keyboard)', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    const goMarkdown = (fields: Record<string, unknown>) => ({ template_id: 0, custom_template_id: '', params: null, content: '', style: null, process_msg: '', ...fields });
    // A jump button as botgo encodes it: type 0 and permission type 0 are omitted (omitempty), `enter` always present.
    const jump = { id: '1', render_data: { label: 'docs', visited_label: 'docs' }, action: { permission: { specify_user_ids: ['U1'] }, data: 'https://q.qq.com', enter: false } };
    const bodies = [
      { msg_type: 2, markdown: goMarkdown({ content: '# hi' }), keyboard: { content: { rows: [{ buttons: [jump] }] } } },
      { msg_type: 2, markdown: goMarkdown({ custom_template_id: 'tpl', params: [{ key: 'k', values: ['v'] }] }) },
      { msg_type: 2, markdown: goMarkdown({ template_id: 12 }) },
    ];
    for (const [i, body] of bodies.entries()) {
      const res = await t.api('POST', GROUP, { ...body, msg_id: inbound.msgId, msg_seq: i + 1 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    // Still refused: a markdown naming both a template and content, or neither.
    expect((await t.api('POST', GROUP, { msg_type: 2, markdown: goMarkdown({ content: '# hi', custom_template_id: 'tpl' }), msg_id: inbound.msgId, msg_seq: 9 })).body).toMatchObject({ code: 50057 });
    expect((await t.api('POST', GROUP, { msg_type: 2, markdown: goMarkdown({}), msg_id: inbound.msgId, msg_seq: 9 })).body).toMatchObject({ code: 40034011 });
  });

  it('accepts msg_type 2 with a keyboard and no markdown (NoneBot send_to_c2c, qq-official-bot handleKeyboard)', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    const res = await t.api('POST', C2C, { msg_type: 2, keyboard: { id: '102000001_1', bot_appid: '102000001' }, msg_id: inbound.msgId, msg_seq: 1 });
    expect(res.status).toBe(200);
  });

  it('accepts markdown + keyboard, ark, embed and (C2C) input-notify bodies', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    const keyboard = {
      content: { rows: [{ buttons: [{ id: '1', render_data: { label: 'OK', visited_label: 'OK', style: 1 }, action: { type: 1, permission: { type: 2 }, data: 'ok' } }] }] },
    };
    const bodies = [
      { msg_type: 2, markdown: { content: '# hi' }, keyboard },
      { msg_type: 2, markdown: { custom_template_id: 'tpl', params: [{ key: 'k', values: ['v'] }] }, keyboard: { id: '102000001_1' } },
      { msg_type: 3, ark: { template_id: 23, kv: [{ key: '#DESC#', value: 'd' }] } },
      { msg_type: 4, embed: { title: 't', fields: [{ name: 'f' }] } },
      { msg_type: 6, input_notify: { input_type: 1, input_second: 60 } },
    ];
    for (const [i, body] of bodies.entries()) {
      const res = await t.api('POST', C2C, { ...body, msg_id: inbound.msgId, msg_seq: i + 1 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
});

describe('error answers', () => {
  it('are {message, code, err_code, trace_id} with HTTP 400, and the header repeats the trace id', async () => {
    const res = await t.api('POST', C2C, text({}));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'err_code', 'message', 'trace_id']);
    expect(res.body).toMatchObject({ code: 40034105, err_code: 40034105, message: '主动消息失败, 无权限' });
    expect(res.traceId).toBe(res.body.trace_id);
  });

  it('need the QQBot token: none → 401 11241, a wrong one → 401 11243', async () => {
    const none = await fetch(`${t.emu.apiBase}${C2C}`, { method: 'POST', body: JSON.stringify(text({})) });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 11241 });
    const wrong = await t.api('POST', C2C, text({}), { authorization: 'QQBot not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 11243, err_code: 40012002 });
  });
});

describe('body checks', () => {
  const cases: Array<[string, 'c2c' | 'group', unknown, number]> = [
    ['a body that is not a JSON object', 'c2c', 'hello', 12002],
    ['an unknown msg_type', 'c2c', { msg_type: 99, content: 'x' }, 340069],
    ['an unknown msg_type in a group', 'group', { msg_type: 99, content: 'x' }, 340069],
    ['msg_type as a string', 'group', { msg_type: '0', content: 'x' }, 340069],
    ['no msg_type and no content (text needs content)', 'c2c', {}, 50006],
    ['msg_type 5 (SDK-only, unconfirmed)', 'c2c', { msg_type: 5, content: 'x' }, 340069],
    ['msg_type 6 in a group (input-notify is C2C only)', 'group', { msg_type: 6, input_notify: { input_type: 1 } }, 340069],
    ['text without content', 'c2c', { msg_type: 0 }, 50006],
    ['text with blank content', 'group', { msg_type: 0, content: '  ' }, 50006],
    ['msg_seq that is not an integer', 'c2c', { msg_type: 0, content: 'x', msg_seq: '2' }, 12002],
    ['msg_type 2 with neither markdown nor keyboard', 'c2c', { msg_type: 2 }, 22006],
    ['markdown together with content', 'c2c', { msg_type: 2, content: 'x', markdown: { content: 'y' } }, 50037],
    ['markdown with both content and a template', 'c2c', { msg_type: 2, markdown: { content: 'y', custom_template_id: 't' } }, 50057],
    ['markdown with neither', 'c2c', { msg_type: 2, markdown: {} }, 40034124],
    ['a markdown template param with an empty value', 'group', { msg_type: 2, markdown: { custom_template_id: 't', params: [{ key: 'k', values: [''] }] } }, 40034008],
    ['a keyboard with 6 rows', 'c2c', { msg_type: 2, markdown: { content: 'y' }, keyboard: { content: { rows: Array.from({ length: 6 }, () => ({ buttons: [{ render_data: { label: 'a' }, action: { type: 2, data: 'a' } }] })) } } }, 40034029],
    ['a keyboard row with 6 buttons', 'c2c', { msg_type: 2, markdown: { content: 'y' }, keyboard: { content: { rows: [{ buttons: Array.from({ length: 6 }, () => ({ render_data: { label: 'a' }, action: { type: 2, data: 'a' } })) }] } } }, 40034029],
    ['a keyboard with both id and content', 'c2c', { msg_type: 2, markdown: { content: 'y' }, keyboard: { id: 'k', content: { rows: [] } } }, 304039],
    ['a button with an unknown action type', 'group', { msg_type: 2, markdown: { content: 'y' }, keyboard: { content: { rows: [{ buttons: [{ render_data: { label: 'a' }, action: { type: 9, data: 'a' } }] }] } } }, 304039],
    ['an ark without template_id', 'c2c', { msg_type: 3, ark: { kv: [] } }, 12002],
    ['msg_type 4 without embed', 'c2c', { msg_type: 4 }, 22006],
    ['msg_type 7 without media', 'group', { msg_type: 7, content: ' ' }, 22006],
  ];

  it.each(cases)('rejects %s', async (_name, scene, body, code) => {
    const inbound = scene === 'c2c' ? t.emu.c2cMessage({ content: 'ping' }) : t.emu.groupAtMessage({ content: 'ping' });
    const withId = typeof body === 'object' ? { ...body, msg_id: inbound.msgId } : body;
    const res = await t.api('POST', scene === 'c2c' ? C2C : GROUP, withId);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code, err_code: code });
  });
});

describe('msg_id replies', () => {
  it('reject an unknown msg_id, one from the other scene and one from another user (40034024)', async () => {
    const group = t.emu.groupAtMessage({ content: 'ping' });
    const otherUser = t.emu.c2cMessage({ content: 'ping', userOpenid: 'AAAABBBBCCCCDDDDEEEEFFFF00001111' });
    for (const msgId of ['ROBOT1.0_unknown!', group.msgId, otherUser.msgId]) {
      const res = await t.api('POST', C2C, text({ msg_id: msgId }));
      expect(res.body).toMatchObject({ code: 40034024, message: '请求参数msg_id无效或越权' });
    }
  });

  it('C2C: the window is 60 minutes (40034005 after)', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    t.clock.advance(60 * MINUTE);
    expect((await t.api('POST', C2C, text({ msg_id: inbound.msgId, msg_seq: 1 }))).status).toBe(200);
    t.clock.advance(1);
    expect((await t.api('POST', C2C, text({ msg_id: inbound.msgId, msg_seq: 2 }))).body).toMatchObject({ code: 40034005, message: '回复消息msg_id已过期' });
  });

  it('group: the window is 5 minutes (40034005 after)', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    t.clock.advance(5 * MINUTE);
    expect((await t.api('POST', GROUP, text({ msg_id: inbound.msgId, msg_seq: 1 }))).status).toBe(200);
    t.clock.advance(1);
    expect((await t.api('POST', GROUP, text({ msg_id: inbound.msgId, msg_seq: 2 }))).body).toMatchObject({ code: 40034005 });
  });

  it('at most 5 replies per message (40034128), counted per message', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    for (let seq = 1; seq <= 5; seq += 1) {
      expect((await t.api('POST', GROUP, text({ msg_id: inbound.msgId, msg_seq: seq }))).status).toBe(200);
    }
    const sixth = await t.api('POST', GROUP, text({ msg_id: inbound.msgId, msg_seq: 6 }));
    expect(sixth.body).toMatchObject({ code: 40034128, message: '被动回复时间或次数超限' });
    const next = t.emu.groupAtMessage({ content: 'again' });
    expect((await t.api('POST', GROUP, text({ msg_id: next.msgId, msg_seq: 1 }))).status).toBe(200);
  });

  it('the same (msg_id, msg_seq) twice is deduplicated (40054005); a missing msg_seq counts as 1', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, text({ msg_id: inbound.msgId }))).status).toBe(200);
    const again = await t.api('POST', C2C, text({ msg_id: inbound.msgId, msg_seq: 1 }));
    expect(again.body).toMatchObject({ code: 40054005, message: '消息被去重，请检查请求msgseq' });
    expect((await t.api('POST', C2C, text({ msg_id: inbound.msgId, msg_seq: 2 }))).status).toBe(200);
  });

  it('a rejected send spends neither the msg_seq nor the reply budget', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, { msg_type: 0, content: '', msg_id: inbound.msgId, msg_seq: 1 })).status).toBe(400);
    expect((await t.api('POST', C2C, text({ msg_id: inbound.msgId, msg_seq: 1 }))).status).toBe(200);
  });

  it('accepts a percent-encoded target in the path', async () => {
    const inbound = t.emu.c2cMessage({ content: 'ping', userOpenid: 'USER!1' });
    expect((await t.api('POST', '/v2/users/USER%211/messages', text({ msg_id: inbound.msgId }))).status).toBe(200);
  });
});

describe('event_id replies', () => {
  it('C2C accepts FRIEND_ADD and INTERACTION_CREATE; group accepts GROUP_ADD_ROBOT and INTERACTION_CREATE', async () => {
    const friend = t.emu.friendAdd();
    const c2cClick = t.emu.interaction({ scene: 'c2c' });
    const joined = t.emu.groupAddRobot();
    const groupClick = t.emu.interaction({ scene: 'group' });
    expect((await t.api('POST', C2C, text({ event_id: friend.id }))).status).toBe(200);
    expect((await t.api('POST', C2C, text({ event_id: c2cClick.id }))).status).toBe(200);
    expect((await t.api('POST', GROUP, text({ event_id: joined.id }))).status).toBe(200);
    expect((await t.api('POST', GROUP, text({ event_id: groupClick.id }))).status).toBe(200);
  });

  it('rejects events that are not replyable with the captured 40034027 body', async () => {
    const removed = t.emu.dispatch('FRIEND_DEL', { timestamp: 1, openid: DEFAULT_USER_OPENID });
    const res = await t.api('POST', C2C, text({ event_id: removed.id }));
    expect(res.status).toBe(400);
    expect({ ...res.body, trace_id: 'x' }).toEqual({ ...samples.eventIdNotReplyable, trace_id: 'x' });
    // A message's envelope id is not in the list either: messages are answered with msg_id.
    const message = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, text({ event_id: message.id }))).body).toMatchObject({ code: 40034027 });
  });

  it('rejects unknown event ids and events of another scene (40034025)', async () => {
    const joined = t.emu.groupAddRobot();
    expect((await t.api('POST', C2C, text({ event_id: joined.id }))).body).toMatchObject({ code: 40034025 });
    expect((await t.api('POST', GROUP, text({ event_id: 'GROUP_ADD_ROBOT:nope' }))).body).toMatchObject({ code: 40034025 });
  });

  it('applies the scene window (40034026), the reply count and msg_seq dedupe to events too', async () => {
    const joined = t.emu.groupAddRobot();
    expect((await t.api('POST', GROUP, text({ event_id: joined.id, msg_seq: 1 }))).status).toBe(200);
    expect((await t.api('POST', GROUP, text({ event_id: joined.id, msg_seq: 1 }))).body).toMatchObject({ code: 40054005 });
    t.clock.advance(5 * MINUTE + 1);
    expect((await t.api('POST', GROUP, text({ event_id: joined.id, msg_seq: 2 }))).body).toMatchObject({ code: 40034026 });
  });
});

describe('active messages', () => {
  it('are refused in both scenes (40034105); an empty msg_id counts as none', async () => {
    expect((await t.api('POST', C2C, text({}))).body).toMatchObject({ code: 40034105 });
    expect((await t.api('POST', GROUP, text({ msg_id: '', msg_seq: 1 }))).body).toMatchObject({ code: 40034105 });
  });

  it('a C2C is_wakeup message is accepted within 30 days of the user writing, and only then (qqbot-nodejs sendWakeup)', async () => {
    const wakeup = { content: 'you have news', is_wakeup: true };
    expect((await t.api('POST', C2C, wakeup)).body).toMatchObject({ code: 40034105 });
    t.emu.c2cMessage({ content: 'hi' });
    t.clock.advance(30 * 24 * 60 * MINUTE);
    // Thirty days outlive the first access token.
    const auth = { authorization: `QQBot ${(await fetchToken(t.emu)).access_token}` };
    const res = await t.api('POST', C2C, wakeup, auth);
    expect(res.status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ passive: false, wakeup: true });
    t.clock.advance(1);
    expect((await t.api('POST', C2C, wakeup, auth)).body).toMatchObject({ code: 40034105 });
    // Groups have no wake-up messages.
    t.emu.groupAtMessage({ content: 'hi' });
    expect((await t.api('POST', GROUP, wakeup, auth)).body).toMatchObject({ code: 40034105 });
  });
});
