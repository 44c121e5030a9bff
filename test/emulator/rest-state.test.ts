/** What the REST endpoints record for assertions, the options, and per-instance isolation (routes called directly). */
import { describe, expect, it } from 'vitest';
import { createRestEmulator, restRoutes } from '../../src/emulator/rest/index.js';
import { MINUTE, RestHarness } from './rest-fixture.js';

const USER = 'E4F4AEA33253A2797FB897C50B81D7ED';
const GROUP = 'C9F778FE6ADF9D1D1DBE395BF744A33A';

function receiveC2c(harness: RestHarness, msgId = 'ROBOT1.0_in!'): string {
  harness.inbound.add({ msgId, eventId: `C2C_MESSAGE_CREATE:${msgId}`, type: 'C2C_MESSAGE_CREATE', scene: 'c2c', target: USER, at: harness.clock.t });
  return msgId;
}

describe('recorded state', () => {
  it('records each accepted send with scene, target, body, anchor, msg_seq and time', async () => {
    const harness = new RestHarness();
    const msgId = receiveC2c(harness);
    harness.clock.advance(1000);
    const body = { msg_type: 0, content: 'pong', msg_id: msgId, msg_seq: 3 };
    const res = await harness.call('POST', `/v2/users/${USER}/messages`, body);
    expect(res.status).toBe(200);
    expect(harness.state.sent).toEqual([
      {
        id: (res.body as { id: string }).id,
        scene: 'c2c',
        target: USER,
        body,
        msgType: 0,
        passive: true,
        msgId,
        msgSeq: 3,
        via: 'message',
        at: harness.clock.t,
        timestamp: (res.body as { timestamp: string }).timestamp,
      },
    ]);
    expect(harness.state.sentTo('c2c', USER)).toHaveLength(1);
    expect(harness.state.sentTo('group')).toHaveLength(0);
  });

  it('records rejected requests with the endpoint template', async () => {
    const harness = new RestHarness();
    await harness.call('POST', `/v2/groups/${GROUP}/messages`, { msg_type: 0, content: 'x' });
    expect(harness.state.rejections).toEqual([
      { endpoint: 'POST /v2/groups/{group_openid}/messages', params: [GROUP], status: 400, code: 40034105, message: '主动消息失败, 无权限', at: harness.clock.t },
    ]);
    expect(harness.state.sent).toEqual([]);
  });

  it('records uploads, recalls, interaction acks (with latency) and DM sessions', async () => {
    const harness = new RestHarness();
    await harness.call('POST', `/v2/groups/${GROUP}/files`, { file_type: 1, file_data: 'iVBORw0KGgo=', srv_send_msg: false });
    expect(harness.state.uploads).toEqual([
      expect.objectContaining({ scene: 'group', target: GROUP, fileType: 1, fileDataBytes: 8, srvSendMsg: false, ttl: 3600, at: harness.clock.t }),
    ]);

    const sent = await harness.call('POST', `/v2/users/${USER}/messages`, { msg_type: 0, content: 'pong', msg_id: receiveC2c(harness) });
    const id = (sent.body as { id: string }).id;
    harness.clock.advance(MINUTE);
    expect((await harness.call('DELETE', `/v2/users/${USER}/messages/${id}`)).status).toBe(200);
    expect(harness.state.recalls).toEqual([{ scene: 'c2c', target: USER, messageId: id, at: harness.clock.t }]);
    expect(harness.state.sent[0]?.recalledAt).toBe(harness.clock.t);

    harness.inbound.add({ eventId: 'INTERACTION_CREATE:e1', type: 'INTERACTION_CREATE', scene: 'group', target: GROUP, at: harness.clock.t, interactionId: 'i-1' });
    harness.clock.advance(250);
    await harness.call('PUT', '/interactions/i-1', { code: 2 });
    expect(harness.state.interactionAcks).toEqual([
      { interactionId: 'i-1', code: 2, eventId: 'INTERACTION_CREATE:e1', scene: 'group', at: harness.clock.t, latencyMs: 250, body: { code: 2 } },
    ]);

    await harness.call('POST', '/users/@me/dms', { recipient_id: 'u1', source_guild_id: 'g1' });
    expect(harness.state.dmSessions).toEqual([expect.objectContaining({ recipientId: 'u1', sourceGuildId: 'g1', at: harness.clock.t })]);
  });

  it('records guild sends with their multipart-free body and no msg_seq', async () => {
    const harness = new RestHarness();
    await harness.call('POST', '/channels/100010/messages?x=1', { content: 'hi' });
    expect(harness.state.sent[0]).toMatchObject({ scene: 'guild', target: '100010', body: { content: 'hi' }, passive: false, via: 'message' });
    expect(harness.state.sent[0]).not.toHaveProperty('msgSeq');
  });
});

describe('options', () => {
  it('allowActiveMessages accepts active sends and srv_send_msg uploads (answering the message id)', async () => {
    const harness = new RestHarness({ allowActiveMessages: true });
    expect((await harness.call('POST', `/v2/groups/${GROUP}/messages`, { msg_type: 0, content: 'news' })).status).toBe(200);
    const upload = await harness.call('POST', `/v2/users/${USER}/files`, { file_type: 1, url: 'https://example.com/a.png', srv_send_msg: true });
    expect(upload.status).toBe(200);
    const answered = upload.body as { id: string; file_info: string };
    expect(answered.id).toMatch(/^ROBOT1\.0_/);
    expect(harness.state.sent.map((m) => [m.scene, m.passive, m.via])).toEqual([
      ['group', false, 'message'],
      ['c2c', false, 'upload'],
    ]);
    expect(harness.state.uploads[0]).toMatchObject({ srvSendMsg: true, messageId: answered.id });
  });

  it('fileInfoTtl: 0 answers ttl 0 and the file_info never expires', async () => {
    const harness = new RestHarness({ fileInfoTtl: 0 });
    const upload = await harness.call('POST', `/v2/users/${USER}/files`, { file_type: 1, url: 'https://example.com/a.png' });
    const { file_info, ttl } = upload.body as { file_info: string; ttl: number };
    expect(ttl).toBe(0);
    harness.clock.advance(30 * 24 * 60 * MINUTE);
    const msgId = receiveC2c(harness);
    expect((await harness.call('POST', `/v2/users/${USER}/messages`, { msg_type: 7, content: ' ', media: { file_info }, msg_id: msgId })).status).toBe(200);
  });

  it('rejects a negative fileInfoTtl', () => {
    expect(() => createRestEmulator({ fileInfoTtl: -1 })).toThrow(RangeError);
  });
});

describe('instances', () => {
  it('each createRestEmulator() has its own reply budget and records', async () => {
    const first = new RestHarness();
    const second = new RestHarness();
    for (const harness of [first, second]) {
      const msgId = receiveC2c(harness);
      expect((await harness.call('POST', `/v2/users/${USER}/messages`, { msg_type: 0, content: 'a', msg_id: msgId })).status).toBe(200);
    }
    expect(first.state.sent).toHaveLength(1);
    expect(second.state.sent).toHaveLength(1);
  });

  it('restRoutes() serves the same endpoints as createRestEmulator().routes', () => {
    const describeRoutes = (routes: ReturnType<typeof restRoutes>) => routes.map((r) => `${r.method} ${r.pattern.source}`);
    expect(describeRoutes(restRoutes())).toEqual(describeRoutes(createRestEmulator().routes));
    const matches = (method: string, path: string) => restRoutes().filter((r) => r.method === method && r.pattern.test(path)).length;
    expect(matches('POST', '/v2/users/U1/messages')).toBe(1);
    expect(matches('DELETE', '/v2/users/U1/messages/M1')).toBe(1);
    expect(matches('POST', '/v2/users/U1/messages/M1')).toBe(0);
    expect(matches('GET', '/users/@me')).toBe(1);
    expect(matches('POST', '/users/@me/dms')).toBe(1);
  });
});
