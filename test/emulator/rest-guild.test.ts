/** Guild channel and DM sends, DM sessions and the bot user. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_USER, DEFAULT_CHANNEL_ID, DEFAULT_DM_GUILD_ID, DEFAULT_GUILD_ID } from '../../src/emulator/index.js';
import { MINUTE, samples, startRestTestbed, type RestTestbed } from './rest-fixture.js';

const CHANNEL = `/channels/${DEFAULT_CHANNEL_ID}/messages`;
const DMS = `/dms/${DEFAULT_DM_GUILD_ID}/messages`;

let t: RestTestbed;
beforeEach(async () => {
  t = await startRestTestbed();
});
afterEach(async () => {
  await t.emu.close();
});

describe('channel messages', () => {
  it('answer a full Message object with the keys of the captured response', async () => {
    const res = await t.api('POST', CHANNEL, { content: 'hello' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(samples.channelSendResponse).sort());
    expect(res.body).toMatchObject({
      channel_id: DEFAULT_CHANNEL_ID,
      guild_id: DEFAULT_GUILD_ID,
      content: 'hello',
      timestamp: '2025-01-01T08:00:00+08:00',
      author: { id: DEFAULT_BOT_USER.id, username: DEFAULT_BOT_USER.username, bot: true },
      seq_in_channel: '1',
    });
    expect(res.body.id).toMatch(/^08[0-9a-f]{44}$/);
  });

  it('reply to an @-message with msg_id; seq_in_channel counts up', async () => {
    const inbound = t.emu.guildAtMessage({ content: 'ping' });
    const first = await t.api('POST', CHANNEL, { content: 'a', msg_id: inbound.msgId });
    const second = await t.api('POST', CHANNEL, { content: 'b', msg_id: inbound.msgId });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body.seq_in_channel, second.body.seq_in_channel]).toEqual(['1', '2']);
  });

  it('the reply window is 5 minutes (304027); a msg_id of another channel is wrong (304026)', async () => {
    const inbound = t.emu.guildAtMessage({ content: 'ping' });
    expect((await t.api('POST', '/channels/999/messages', { content: 'a', msg_id: inbound.msgId })).body).toMatchObject({ code: 304026 });
    t.clock.advance(5 * MINUTE + 1);
    expect((await t.api('POST', CHANNEL, { content: 'a', msg_id: inbound.msgId })).body).toMatchObject({ code: 304027 });
  });

  it('need content, embed, ark, image or markdown (50006)', async () => {
    expect((await t.api('POST', CHANNEL, {})).body).toMatchObject({ code: 50006, message: '消息为空' });
    expect((await t.api('POST', CHANNEL, { content: '' })).body).toMatchObject({ code: 50006 });
    const image = await t.api('POST', CHANNEL, { image: 'https://example.com/a.png' });
    expect(image.status).toBe(200);
    expect(image.body.attachments).toEqual([{ url: 'https://example.com/a.png' }]);
    const embed = await t.api('POST', CHANNEL, { embed: { title: 't' } });
    expect(embed.body.embeds).toEqual([{ title: 't' }]);
  });

  it('read JSON null as "not given": botpy post_message and Satori (msg_id: null once the window passed)', async () => {
    const inbound = t.emu.guildAtMessage({ content: 'ping' });
    const botpyBody = {
      channel_id: '100010', content: 'pong', embed: null, ark: null, message_reference: null, image: null,
      file_image: null, msg_id: inbound.msgId, event_id: null, markdown: null, keyboard: null,
    };
    const res = await t.api('POST', CHANNEL, botpyBody);
    expect(res.status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ scene: 'guild', passive: true, msgId: inbound.msgId });
    const satori = await t.api('POST', CHANNEL, { content: 'late', msg_id: null });
    expect(satori.status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ passive: false });
    expect((await t.api('POST', CHANNEL, { ...botpyBody, content: null })).body).toMatchObject({ code: 50006 });
  });

  it('check markdown and keyboard shapes as C2C/group do', async () => {
    expect((await t.api('POST', CHANNEL, { markdown: { content: '' } })).body).toMatchObject({ code: 40034011 });
    expect((await t.api('POST', CHANNEL, { content: 'x', keyboard: {} })).body).toMatchObject({ code: 304039 });
  });

  it('accept multipart/form-data with a file_image', async () => {
    const form = new FormData();
    form.set('content', 'with a picture');
    form.set('file_image', new Blob([Buffer.from('not really a png')], { type: 'image/png' }), 'a.png');
    const res = await t.api('POST', CHANNEL, form);
    expect(res.status).toBe(200);
    expect(res.body.content).toBe('with a picture');
    expect(res.body.attachments).toEqual([expect.objectContaining({ filename: 'a.png', content_type: 'image/png', size: 16 })]);
  });

  it('answer 50035 to a multipart body they cannot read', async () => {
    const res = await t.api('POST', CHANNEL, 'garbage', { 'content-type': 'multipart/form-data; boundary=xyz' });
    expect(res.body).toMatchObject({ code: 50035 });
  });
});

describe('DMs', () => {
  it('POST /users/@me/dms opens a session once per recipient and source guild', async () => {
    const body = { recipient_id: '1234', source_guild_id: DEFAULT_GUILD_ID };
    const first = await t.api('POST', '/users/@me/dms', body);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['channel_id', 'create_time', 'guild_id']);
    expect(first.body.create_time).toBe(String(Math.floor(t.clock.t / 1000)));
    expect((await t.api('POST', '/users/@me/dms', body)).body).toEqual(first.body);
    expect((await t.api('POST', '/users/@me/dms', { recipient_id: '1234' })).body).toMatchObject({ code: 12002 });
  });

  it('a DM to the session guild is a Message in the session channel', async () => {
    const session = await t.api<{ guild_id: string; channel_id: string }>('POST', '/users/@me/dms', { recipient_id: '1234', source_guild_id: DEFAULT_GUILD_ID });
    const res = await t.api('POST', `/dms/${session.body.guild_id}/messages`, { content: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ guild_id: session.body.guild_id, channel_id: session.body.channel_id, direct_message: true, src_guild_id: DEFAULT_GUILD_ID });
  });

  it('reply to a direct message by msg_id, but not from a channel', async () => {
    const inbound = t.emu.directMessage({ content: 'ping' });
    expect((await t.api('POST', DMS, { content: 'pong', msg_id: inbound.msgId })).status).toBe(200);
    expect((await t.api('POST', CHANNEL, { content: 'pong', msg_id: inbound.msgId })).body).toMatchObject({ code: 304026 });
  });
});

describe('GET /users/@me', () => {
  it('answers the bot user', async () => {
    const res = await t.api('GET', '/users/@me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: DEFAULT_BOT_USER.id, username: DEFAULT_BOT_USER.username, union_openid: '', union_user_account: '' });
    expect(res.body.avatar).toMatch(/^https:\/\//);
  });
});
