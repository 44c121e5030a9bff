/** The 401 → refresh → retry path against the emulator's real token store, and what reaches the logs. */
import { afterEach, describe, expect, it } from 'vitest';
import { createReply, createReplyContext } from '../../src/rest/index.js';
import { restRequests, startRestHarness, type RestHarness } from './support/emulator-client.js';

let h: RestHarness;
afterEach(async () => {
  await h?.emu.close();
});

describe('expired token', () => {
  it('a send after expireTokens() gets 401/11244, refreshes once, and is delivered once', async () => {
    h = await startRestHarness();
    const inbound = h.emu.c2cMessage({ content: 'hello' });
    const openid = (inbound.data as { author: { user_openid: string } }).author.user_openid;
    const { reply } = createReply(h.client, createReplyContext({ scene: 'c2c', target: openid, msgId: inbound.msgId, receivedAt: h.clock.now(), now: h.clock.now }));
    await reply('first');
    h.emu.expireTokens();
    await reply('second');

    expect(h.refreshes).toBe(1);
    expect(h.tokens).toHaveLength(2);
    const posts = restRequests(h.emu).filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, (r.body as { msg_seq: number }).msg_seq])).toEqual([
      [200, 1],
      [401, 2],
      [200, 2],
    ]);
    expect(posts[1]?.tokenExpired).toBe(true);
    expect(posts[2]?.token).toBe(h.tokens[1]);
    expect(h.emu.stats.expiredTokenUses).toBe(1);
  });

  it('no token reaches any log line', async () => {
    h = await startRestHarness();
    await h.client.getMe();
    h.emu.expireTokens();
    await h.client.getMe();
    await h.client.sendC2CMessage('E4F4AEA33253A2797FB897C50B81D7ED', { msg_type: 0, content: 'x', msg_id: 'unknown', msg_seq: 1 }).catch(() => undefined);
    expect(h.lines.length).toBeGreaterThanOrEqual(4);
    const everything = JSON.stringify(h.lines);
    for (const token of h.tokens) expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/QQBot|authorization/i);
  });
});
