/** Recall (2-minute window for C2C/group) and interaction acknowledgements. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHANNEL_ID, DEFAULT_GROUP_OPENID, DEFAULT_USER_OPENID } from '../../src/emulator/index.js';
import { MINUTE, startRestTestbed, type RestTestbed } from './rest-fixture.js';

const C2C = `/v2/users/${DEFAULT_USER_OPENID}/messages`;
const GROUP = `/v2/groups/${DEFAULT_GROUP_OPENID}/messages`;
const CHANNEL = `/channels/${DEFAULT_CHANNEL_ID}/messages`;

let t: RestTestbed;
beforeEach(async () => {
  t = await startRestTestbed();
});
afterEach(async () => {
  await t.emu.close();
});

async function replyC2c(): Promise<string> {
  const inbound = t.emu.c2cMessage({ content: 'ping' });
  const res = await t.api<{ id: string }>('POST', C2C, { msg_type: 0, content: 'pong', msg_id: inbound.msgId });
  return res.body.id;
}

describe('recall', () => {
  it('C2C: 200 with no body within 2 minutes; the same id again is unknown (40061002)', async () => {
    const id = await replyC2c();
    t.clock.advance(2 * MINUTE);
    const res = await t.api('DELETE', `${C2C}/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.api('DELETE', `${C2C}/${encodeURIComponent(id)}`)).body).toMatchObject({ code: 40061002 });
  });

  it('group: after 2 minutes the window is exceeded (40064004)', async () => {
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    const sent = await t.api<{ id: string }>('POST', GROUP, { msg_type: 0, content: 'pong', msg_id: inbound.msgId });
    t.clock.advance(2 * MINUTE + 1);
    const res = await t.api('DELETE', `${GROUP}/${encodeURIComponent(sent.body.id)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 40064004, message: '已超出消息撤回时限' });
  });

  it('only the bot’s own messages of that target: unknown ids and other targets → 40061002', async () => {
    const id = await replyC2c();
    expect((await t.api('DELETE', `/v2/users/SOMEONEELSE/messages/${encodeURIComponent(id)}`)).body).toMatchObject({ code: 40061002 });
    expect((await t.api('DELETE', `${GROUP}/${encodeURIComponent(id)}`)).body).toMatchObject({ code: 40061002 });
    expect((await t.api('DELETE', `${C2C}/ROBOT1.0_unknown`)).body).toMatchObject({ code: 40061002 });
  });

  it('guild channel and DM: no time window; unknown ids → 306002', async () => {
    const sent = await t.api<{ id: string }>('POST', CHANNEL, { content: 'hello' });
    t.clock.advance(60 * MINUTE);
    expect((await t.api('DELETE', `${CHANNEL}/${sent.body.id}?hidetip=true`)).status).toBe(200);
    expect((await t.api('DELETE', `${CHANNEL}/${sent.body.id}`)).body).toMatchObject({ code: 306002 });
    const dm = await t.api<{ id: string }>('POST', '/dms/555/messages', { content: 'hello' });
    expect((await t.api('DELETE', `/dms/555/messages/${dm.body.id}`)).status).toBe(200);
  });
});

describe('PUT /interactions/{id}', () => {
  it('acknowledges a dispatched interaction with 200 and no body', async () => {
    const click = t.emu.interaction({ scene: 'group' });
    const res = await t.api('PUT', `/interactions/${click.msgId}`, { code: 0 });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('reads the body whatever its Content-Type: bot-node-sdk sends "none", botgo a raw string; qqbot-nodejs adds data', async () => {
    const click = t.emu.interaction({ scene: 'group' });
    expect((await t.api('PUT', `/interactions/${click.msgId}`, '{"code":0}', { 'content-type': 'none' })).status).toBe(200);
    expect((await t.api('PUT', `/interactions/${click.msgId}`, '{"code":1}', { 'content-type': 'text/plain; charset=utf-8' })).status).toBe(200);
    expect((await t.api('PUT', `/interactions/${click.msgId}`, { code: 0, data: { note: 'x' } })).status).toBe(200);
    expect(t.emu.rest.interactionAcks.map((ack) => ack.code)).toEqual([0, 1, 0]);
  });

  it('rejects an unknown interaction, a code outside 0..5 and a missing body (630001)', async () => {
    const click = t.emu.interaction({ scene: 'c2c' });
    expect((await t.api('PUT', '/interactions/unknown-id', { code: 0 })).body).toMatchObject({ code: 630001 });
    expect((await t.api('PUT', `/interactions/${click.msgId}`, { code: 6 })).body).toMatchObject({ code: 630001 });
    expect((await t.api('PUT', `/interactions/${click.msgId}`)).body).toMatchObject({ code: 630001 });
    // The envelope id is what event_id takes, not what the ack path takes.
    expect((await t.api('PUT', `/interactions/${encodeURIComponent(click.id)}`, { code: 0 })).body).toMatchObject({ code: 630001 });
  });
});
