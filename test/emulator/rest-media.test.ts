/** Rich-media upload and msg_type 7 sends: answer shape, upload checks, same-scene file_info, ttl, the content quirk. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_OPENID, DEFAULT_USER_OPENID } from '../../src/emulator/index.js';
import { startRestTestbed, type RestTestbed } from './rest-fixture.js';

const C2C_FILES = `/v2/users/${DEFAULT_USER_OPENID}/files`;
const GROUP_FILES = `/v2/groups/${DEFAULT_GROUP_OPENID}/files`;
const C2C = `/v2/users/${DEFAULT_USER_OPENID}/messages`;
const GROUP = `/v2/groups/${DEFAULT_GROUP_OPENID}/messages`;
const PNG_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');

let t: RestTestbed;
beforeEach(async () => {
  t = await startRestTestbed();
});
afterEach(async () => {
  await t.emu.close();
});

async function upload(path: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.api<{ file_info: string }>('POST', path, { file_type: 1, url: 'https://example.com/a.png', srv_send_msg: false, ...body });
  expect(res.status).toBe(200);
  return res.body.file_info;
}

const media = (fileInfo: string, msgId: string | undefined, extra: Record<string, unknown> = {}) => ({
  msg_type: 7,
  content: ' ',
  media: { file_info: fileInfo },
  msg_id: msgId,
  ...extra,
});

describe('upload', () => {
  it('answers {file_uuid, file_info, ttl} for a url or base64 file_data', async () => {
    const byUrl = await t.api('POST', C2C_FILES, { file_type: 1, url: 'https://example.com/a.png', srv_send_msg: false });
    expect(byUrl.status).toBe(200);
    expect(Object.keys(byUrl.body).sort()).toEqual(['file_info', 'file_uuid', 'ttl']);
    expect(byUrl.body.ttl).toBe(3600);
    expect(byUrl.body.file_uuid).toMatch(/^[0-9a-f-]{36}$/);
    const byData = await t.api('POST', GROUP_FILES, { file_type: 4, file_data: PNG_BASE64, srv_send_msg: false });
    expect(byData.status).toBe(200);
    expect(byData.body.file_info).not.toBe(byUrl.body.file_info);
  });

  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['file_type 0', { file_type: 0, url: 'https://example.com/a.png' }, 850019],
    ['file_type 5', { file_type: 5, url: 'https://example.com/a.png' }, 850019],
    ['a string file_type', { file_type: '1', url: 'https://example.com/a.png' }, 850019],
    ['neither url nor file_data', { file_type: 1 }, 12002],
    ['a url that is not http(s)', { file_type: 1, url: 'ftp://example.com/a.png' }, 850026],
    ['file_data that is not base64', { file_type: 1, file_data: '%%%' }, 850026],
    ['a chunked-upload merge (upload_id)', { file_type: 2, upload_id: 'upload_1' }, 10000],
    ['srv_send_msg that is not a boolean', { file_type: 1, url: 'https://example.com/a.png', srv_send_msg: 'yes' }, 12002],
    ['srv_send_msg true (spends the withdrawn active quota)', { file_type: 1, url: 'https://example.com/a.png', srv_send_msg: true }, 40034105],
  ];
  it.each(cases)('rejects %s', async (_name, body, code) => {
    const res = await t.api('POST', C2C_FILES, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code });
  });
});

describe('msg_type 7', () => {
  it('sends a file_info uploaded in the same scene, to any target of that scene', async () => {
    const fileInfo = await upload(C2C_FILES);
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, media(fileInfo, inbound.msgId))).status).toBe(200);
    const other = t.emu.c2cMessage({ content: 'ping', userOpenid: 'AAAABBBBCCCCDDDDEEEEFFFF00001111' });
    expect((await t.api('POST', '/v2/users/AAAABBBBCCCCDDDDEEEEFFFF00001111/messages', media(fileInfo, other.msgId))).status).toBe(200);
  });

  it('refuses a file_info from the other scene or never issued (304080)', async () => {
    const c2cInfo = await upload(C2C_FILES);
    const groupInfo = await upload(GROUP_FILES);
    const inGroup = t.emu.groupAtMessage({ content: 'ping' });
    const inC2c = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', GROUP, media(c2cInfo, inGroup.msgId))).body).toMatchObject({ code: 304080, message: '文件信息无效' });
    expect((await t.api('POST', C2C, media(groupInfo, inC2c.msgId))).body).toMatchObject({ code: 304080 });
    expect((await t.api('POST', C2C, media('bm90IGlzc3VlZA==', inC2c.msgId))).body).toMatchObject({ code: 304080 });
    expect((await t.api('POST', GROUP, media(groupInfo, inGroup.msgId))).status).toBe(200);
  });

  it('refuses a file_info after its ttl', async () => {
    const fileInfo = await upload(GROUP_FILES);
    t.clock.advance(3600_000);
    const fresh = t.emu.groupAtMessage({ content: 'ping' });
    expect((await t.api('POST', GROUP, media(fileInfo, fresh.msgId, { msg_seq: 1 }))).status).toBe(200);
    t.clock.advance(1);
    expect((await t.api('POST', GROUP, media(fileInfo, fresh.msgId, { msg_seq: 2 }))).body).toMatchObject({ code: 304080 });
  });

  it('needs no content: NoneBot omits it, qq-official-bot sends "" (issue 15)', async () => {
    const fileInfo = await upload(C2C_FILES);
    const inbound = t.emu.c2cMessage({ content: 'ping' });
    expect((await t.api('POST', C2C, media(fileInfo, inbound.msgId, { content: undefined, msg_seq: 1 }))).status).toBe(200);
    expect((await t.api('POST', C2C, media(fileInfo, inbound.msgId, { content: '', msg_seq: 2 }))).status).toBe(200);
  });

  it('without msg_type is media when the body carries media (qq-official-bot active media, qqbot-nodejs send())', async () => {
    const fileInfo = await upload(GROUP_FILES);
    const inbound = t.emu.groupAtMessage({ content: 'ping' });
    const res = await t.api('POST', GROUP, { content: '', media: { file_info: fileInfo }, msg_id: inbound.msgId });
    expect(res.status).toBe(200);
    expect(t.emu.rest.sent.at(-1)).toMatchObject({ msgType: 7 });
    // The inferred type still gets the media checks: a file_info nobody issued is 304080.
    expect((await t.api('POST', GROUP, { media: { file_info: 'forged' }, msg_id: inbound.msgId, msg_seq: 2 })).body).toMatchObject({ code: 304080 });
  });

  it('accepts an upload with url "" beside file_data and botpy-style nulls (qq-official-bot, botpy)', async () => {
    expect((await t.api('POST', C2C_FILES, { url: '', file_type: 1, file_data: PNG_BASE64, srv_send_msg: false })).status).toBe(200);
    expect((await t.api('POST', GROUP_FILES, { group_openid: DEFAULT_GROUP_OPENID, file_type: 1, url: 'https://example.com/a.png', srv_send_msg: false, file_data: null })).status).toBe(200);
  });

  it('still follows the passive-reply rules', async () => {
    const fileInfo = await upload(C2C_FILES);
    expect((await t.api('POST', C2C, media(fileInfo, undefined))).body).toMatchObject({ code: 40034105 });
  });
});
