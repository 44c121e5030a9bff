/** Every endpoint of the client against the emulator, over real HTTP. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_USER } from '../../src/emulator/index.js';
import { QQApiError } from '../../src/rest/index.js';
import { APP_ID, restRequests, startRestHarness, type RestHarness } from './support/emulator-client.js';

let h: RestHarness;
afterEach(async () => {
  await h?.emu.close();
});

async function apiError(promise: Promise<unknown>): Promise<QQApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QQApiError);
  return error as QQApiError;
}

describe('REST endpoints against the emulator', () => {
  it('getMe returns the bot user, with the auth headers the platform expects', async () => {
    h = await startRestHarness();
    const me = await h.client.getMe();
    expect(me).toMatchObject({ id: DEFAULT_BOT_USER.id, username: DEFAULT_BOT_USER.username });
    const seen = restRequests(h.emu).at(-1);
    expect(seen?.headers.authorization).toBe(`QQBot ${h.tokens[0]}`);
    expect(seen?.headers['x-union-appid']).toBe(APP_ID);
    expect(seen?.headers['user-agent']).toBe('qq-bot-machine/rest');
  });

  it('sendC2CMessage: a passive reply answers {id, timestamp}', async () => {
    h = await startRestHarness();
    const inbound = h.emu.c2cMessage({ content: 'hello' });
    const openid = (inbound.data as { author: { user_openid: string } }).author.user_openid;
    const sent = await h.client.sendC2CMessage(openid, { msg_type: 0, content: 'hi', msg_id: inbound.msgId, msg_seq: 1 });
    expect(typeof sent.id).toBe('string');
    expect(sent.timestamp).toBeDefined();
    expect(restRequests(h.emu).at(-1)).toMatchObject({
      method: 'POST',
      path: `/v2/users/${openid}/messages`,
      status: 200,
      body: { msg_type: 0, content: 'hi', msg_id: inbound.msgId, msg_seq: 1 },
    });
  });

  it('sendGroupMessage: a passive reply to an @-message', async () => {
    h = await startRestHarness();
    const inbound = h.emu.groupAtMessage({ content: 'ping' });
    const group = (inbound.data as { group_openid: string }).group_openid;
    const sent = await h.client.sendGroupMessage(group, { msg_type: 0, content: 'pong', msg_id: inbound.msgId, msg_seq: 1 });
    expect(typeof sent.id).toBe('string');
  });

  it('sendChannelMessage answers a guild message object', async () => {
    h = await startRestHarness();
    const inbound = h.emu.guildAtMessage({ content: 'ping' });
    const channel = (inbound.data as { channel_id: string }).channel_id;
    const sent = await h.client.sendChannelMessage(channel, { content: 'pong', msg_id: inbound.msgId });
    expect(sent).toMatchObject({ channel_id: channel, content: 'pong', author: { id: DEFAULT_BOT_USER.id, bot: true } });
    expect(typeof sent.id).toBe('string');
  });

  it('sendDirectMessage answers a guild message object for the DM guild', async () => {
    h = await startRestHarness();
    const inbound = h.emu.directMessage({ content: 'ping' });
    const guild = (inbound.data as { guild_id: string }).guild_id;
    const sent = await h.client.sendDirectMessage(guild, { content: 'pong', msg_id: inbound.msgId });
    expect(sent).toMatchObject({ guild_id: guild, content: 'pong' });
  });

  it('createDirectMessageSession returns guild_id, channel_id, create_time', async () => {
    h = await startRestHarness();
    const session = await h.client.createDirectMessageSession({ recipient_id: '1234', source_guild_id: '18700000000001' });
    expect(session).toEqual({ guild_id: expect.any(String), channel_id: expect.any(String), create_time: expect.anything() });
  });

  it('recalls what it sent in every scene', async () => {
    h = await startRestHarness();
    const c2c = h.emu.c2cMessage({ content: 'a' });
    const openid = (c2c.data as { author: { user_openid: string } }).author.user_openid;
    const c2cSent = await h.client.sendC2CMessage(openid, { msg_type: 0, content: 'x', msg_id: c2c.msgId, msg_seq: 1 });
    await h.client.recallC2CMessage(openid, c2cSent.id);

    const group = h.emu.groupAtMessage({ content: 'a' });
    const groupOpenid = (group.data as { group_openid: string }).group_openid;
    const groupSent = await h.client.sendGroupMessage(groupOpenid, { msg_type: 0, content: 'x', msg_id: group.msgId, msg_seq: 1 });
    await h.client.recallGroupMessage(groupOpenid, groupSent.id);

    const guild = h.emu.guildAtMessage({ content: 'a' });
    const channel = (guild.data as { channel_id: string }).channel_id;
    const guildSent = await h.client.sendChannelMessage(channel, { content: 'x', msg_id: guild.msgId });
    await h.client.recallChannelMessage(channel, guildSent.id, { hidetip: true });

    const dm = h.emu.directMessage({ content: 'a' });
    const dmGuild = (dm.data as { guild_id: string }).guild_id;
    const dmSent = await h.client.sendDirectMessage(dmGuild, { content: 'x', msg_id: dm.msgId });
    await h.client.recallDirectMessage(dmGuild, dmSent.id);

    const deletes = restRequests(h.emu).filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(4);
    for (const request of deletes) expect([200, 204]).toContain(request.status);
    expect(deletes[2]?.query).toBe('hidetip=true');
  });

  it('a second recall of the same message is a typed error', async () => {
    h = await startRestHarness();
    const c2c = h.emu.c2cMessage({ content: 'a' });
    const openid = (c2c.data as { author: { user_openid: string } }).author.user_openid;
    const sent = await h.client.sendC2CMessage(openid, { msg_type: 0, content: 'x', msg_id: c2c.msgId, msg_seq: 1 });
    await h.client.recallC2CMessage(openid, sent.id);
    const error = await apiError(h.client.recallC2CMessage(openid, sent.id));
    expect(error).toMatchObject({ status: 400, platformCode: 40061002, method: 'DELETE' });
    expect(error.reason).toMatch(/invalid or already recalled/);
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('uploads media by URL and by bytes (base64 file_data), then sends it as msg_type 7', async () => {
    h = await startRestHarness();
    const inbound = h.emu.c2cMessage({ content: 'pic please' });
    const openid = (inbound.data as { author: { user_openid: string } }).author.user_openid;
    const byUrl = await h.client.uploadC2CMedia(openid, { file_type: 1, url: 'https://example.com/cat.png' });
    expect(byUrl).toMatchObject({ file_info: expect.any(String), file_uuid: expect.any(String), ttl: expect.any(Number) });
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const byBytes = await h.client.uploadC2CMedia(openid, { file_type: 1, data: png });
    expect(restRequests(h.emu).at(-1)?.body).toEqual({ file_type: 1, srv_send_msg: false, file_data: png.toString('base64') });
    const sent = await h.client.sendC2CMessage(openid, { msg_type: 7, media: { file_info: byBytes.file_info }, msg_id: inbound.msgId, msg_seq: 1 });
    expect(typeof sent.id).toBe('string');
    expect(restRequests(h.emu).at(-1)?.body).toMatchObject({ content: ' ' });

    const group = h.emu.groupAtMessage({ content: 'pic' });
    const groupOpenid = (group.data as { group_openid: string }).group_openid;
    await expect(h.client.uploadGroupMedia(groupOpenid, { file_type: 1, url: 'https://example.com/cat.png' })).resolves.toMatchObject({
      file_info: expect.any(String),
    });
  });

  it('acknowledges an interaction with PUT /interactions/{id} {code}', async () => {
    h = await startRestHarness();
    const click = h.emu.interaction({ scene: 'group' });
    await h.client.acknowledgeInteraction(click.msgId as string);
    await h.client.acknowledgeInteraction(click.msgId as string, 3);
    const puts = restRequests(h.emu).filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.path, r.body])).toEqual([
      [`/interactions/${click.msgId}`, { code: 0 }],
      [`/interactions/${click.msgId}`, { code: 3 }],
    ]);
  });

  it('request() reaches any endpoint', async () => {
    h = await startRestHarness();
    await expect(h.client.request('GET', '/users/@me')).resolves.toMatchObject({ id: DEFAULT_BOT_USER.id });
  });

  it('surfaces an emulator refusal as a typed error with platform code and trace id', async () => {
    h = await startRestHarness();
    const error = await apiError(h.client.sendC2CMessage('E4F4AEA33253A2797FB897C50B81D7ED', { msg_type: 0, content: 'x', msg_id: 'no-such-message', msg_seq: 1 }));
    expect(error).toMatchObject({ status: 400, method: 'POST', platformCode: 40034024, errCode: 40034024 });
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(error.reason).toMatch(/msg_id invalid/);
  });
});
