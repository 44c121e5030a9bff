/**
 * The reply rules end to end: the reply context refuses locally what the emulator would refuse, and what it lets
 * through the emulator accepts. Time moves on one hand-driven clock shared by both, so nothing sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createReply, createReplyContext, QQApiError, QQReplyRuleError, type ReplyScene } from '../../src/rest/index.js';
import { restRequests, startRestHarness, type RestHarness } from './support/emulator-client.js';

const MINUTE = 60_000;
let h: RestHarness;
afterEach(async () => {
  await h?.emu.close();
});

type Inbound = ReturnType<RestHarness['emu']['c2cMessage']>;

/** Pushes an inbound message of the scene and returns a reply bound to it. */
function inboundMessage(scene: ReplyScene): { inbound: Inbound; target: string } {
  if (scene === 'c2c') {
    const inbound = h.emu.c2cMessage({ content: 'hello' });
    return { inbound, target: (inbound.data as { author: { user_openid: string } }).author.user_openid };
  }
  if (scene === 'group') {
    const inbound = h.emu.groupAtMessage({ content: 'hello' });
    return { inbound, target: (inbound.data as { group_openid: string }).group_openid };
  }
  if (scene === 'guild') {
    const inbound = h.emu.guildAtMessage({ content: 'hello' });
    return { inbound, target: (inbound.data as { channel_id: string }).channel_id };
  }
  const inbound = h.emu.directMessage({ content: 'hello' });
  return { inbound, target: (inbound.data as { guild_id: string }).guild_id };
}

function replyTo(scene: ReplyScene) {
  const { inbound, target } = inboundMessage(scene);
  const ctx = createReplyContext({ scene, target, msgId: inbound.msgId, eventId: inbound.id, receivedAt: h.clock.now(), now: h.clock.now });
  return { ...createReply(h.client, ctx), ctx, inbound, target };
}

const sends = (): number => restRequests(h.emu).filter((r) => r.method === 'POST').length;

describe('reply windows', () => {
  const windows: Array<[ReplyScene, number]> = [
    ['c2c', 60 * MINUTE],
    ['group', 5 * MINUTE],
    ['guild', 5 * MINUTE],
    ['dm', 5 * MINUTE],
  ];
  for (const [scene, windowMs] of windows) {
    it(`${scene}: the emulator accepts a reply just inside ${windowMs / MINUTE} min; after it the context refuses before any request`, async () => {
      h = await startRestHarness();
      const { reply } = replyTo(scene);
      h.clock.advance(windowMs - 1_000);
      await expect(reply('still in time')).resolves.toMatchObject({ id: expect.any(String) });
      h.clock.advance(2_000);
      const before = sends();
      const error = await reply('too late').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QQReplyRuleError);
      expect(error).toMatchObject({ rule: 'window', limit: windowMs, elapsedMs: windowMs + 1_000 });
      expect(sends()).toBe(before);
    });
  }

  it('the emulator agrees: the same late reply sent raw is refused with a typed error', async () => {
    h = await startRestHarness();
    const { inbound, target } = inboundMessage('group');
    h.clock.advance(5 * MINUTE + 1_000);
    const error = await h.client.sendGroupMessage(target, { msg_type: 0, content: 'late', msg_id: inbound.msgId, msg_seq: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QQApiError);
    expect(error).toMatchObject({ status: 400, platformCode: 40034005 });
    expect((error as QQApiError).reason).toMatch(/window has passed/);
  });
});

describe('the five-reply cap and msg_seq', () => {
  it.each(['c2c', 'group'] as const)('%s: five replies land with msg_seq 1..5; the sixth is refused locally', async (scene) => {
    h = await startRestHarness();
    const { reply, remaining } = replyTo(scene);
    for (let i = 1; i <= 5; i++) await reply(`reply ${i}`);
    expect(remaining().replies).toBe(0);
    const posted = restRequests(h.emu).filter((r) => r.method === 'POST');
    expect(posted.map((r) => (r.body as { msg_seq: number }).msg_seq)).toEqual([1, 2, 3, 4, 5]);
    expect(posted.every((r) => r.status === 200)).toBe(true);
    await expect(reply('sixth')).rejects.toMatchObject({ rule: 'reply-limit', limit: 5 });
    expect(sends()).toBe(5);
  });

  it('the emulator agrees: a sixth reply sent raw is refused', async () => {
    h = await startRestHarness();
    const { reply, inbound, target } = replyTo('c2c');
    for (let i = 1; i <= 5; i++) await reply(`reply ${i}`);
    const error = await h.client.sendC2CMessage(target, { msg_type: 0, content: '6', msg_id: inbound.msgId, msg_seq: 6 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QQApiError);
    expect(error).toMatchObject({ platformCode: 40034128 });
  });

  it('a reused msg_seq is refused by the emulator; the context never reuses one, even after a failure', async () => {
    h = await startRestHarness();
    const { reply, inbound, target } = replyTo('group');
    await reply('one');
    const duplicate = await h.client.sendGroupMessage(target, { msg_type: 0, content: 'dup', msg_id: inbound.msgId, msg_seq: 1 }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(QQApiError);
    expect((duplicate as QQApiError).platformCode).toBe(40054005);
    expect((duplicate as QQApiError).reason).toMatch(/deduplicated/);

    // A send the platform refuses (empty markdown) spends its msg_seq; the next reply moves on.
    await expect(reply({ msg_type: 2, markdown: { content: '' } })).rejects.toBeInstanceOf(QQApiError);
    await reply('three');
    const seqs = restRequests(h.emu)
      .filter((r) => r.method === 'POST' && (r.body as { msg_seq?: number }).msg_seq !== undefined)
      .map((r) => (r.body as { msg_seq: number }).msg_seq);
    expect(seqs).toEqual([1, 1, 2, 3]);
  });

  it('guild channels take more than five replies and no msg_seq', async () => {
    h = await startRestHarness();
    const { reply } = replyTo('guild');
    for (let i = 1; i <= 6; i++) await reply(`reply ${i}`);
    const bodies = restRequests(h.emu).filter((r) => r.method === 'POST').map((r) => r.body as Record<string, unknown>);
    expect(bodies).toHaveLength(6);
    expect(bodies.every((b) => b.msg_seq === undefined && typeof b.msg_id === 'string')).toBe(true);
  });
});

describe('event_id replies', () => {
  it('replies to FRIEND_ADD, GROUP_ADD_ROBOT and a button click by their envelope id', async () => {
    h = await startRestHarness();
    const friend = h.emu.friendAdd();
    const robot = h.emu.groupAddRobot();
    const click = h.emu.interaction({ scene: 'c2c' });
    const friendOpenid = (friend.data as { openid: string }).openid;
    const groupOpenid = (robot.data as { group_openid: string }).group_openid;
    const clickOpenid = (click.data as { user_openid: string }).user_openid;
    const at = h.clock.now();
    const make = (scene: ReplyScene, target: string, eventId: string, eventType: string) =>
      createReply(h.client, createReplyContext({ scene, target, eventId, eventType, receivedAt: at, now: h.clock.now }));

    await make('c2c', friendOpenid, friend.id, 'FRIEND_ADD').reply('thanks for adding me');
    await make('group', groupOpenid, robot.id, 'GROUP_ADD_ROBOT').reply('hello group');
    await h.client.acknowledgeInteraction(click.msgId as string);
    await make('c2c', clickOpenid, click.id, 'INTERACTION_CREATE').reply('clicked');

    const posted = restRequests(h.emu).filter((r) => r.method === 'POST');
    expect(posted.map((r) => [r.status, (r.body as { event_id: string }).event_id])).toEqual([
      [200, friend.id],
      [200, robot.id],
      [200, click.id],
    ]);
  });
});

describe('media replies', () => {
  it.each(['c2c', 'group'] as const)('%s: uploads (srv_send_msg false) then sends msg_type 7 with the file_info, in one call', async (scene) => {
    h = await startRestHarness();
    const { replyMedia, remaining } = replyTo(scene);
    const sent = await replyMedia({ file_type: 1, data: Buffer.from('89504e470d0a1a0a', 'hex') });
    expect(typeof sent.id).toBe('string');
    const [upload, send] = restRequests(h.emu).filter((r) => r.method === 'POST');
    expect(upload?.path).toMatch(/\/files$/);
    expect(upload?.body).toMatchObject({ file_type: 1, srv_send_msg: false });
    expect(send?.body).toMatchObject({ msg_type: 7, media: { file_info: expect.any(String) }, content: ' ', msg_seq: 1 });
    expect(send?.status).toBe(200);
    expect(remaining().replies).toBe(4);
  });

  it('a late media reply uploads nothing', async () => {
    h = await startRestHarness();
    const { replyMedia } = replyTo('group');
    h.clock.advance(6 * MINUTE);
    await expect(replyMedia({ file_type: 1, url: 'https://example.com/a.png' })).rejects.toBeInstanceOf(QQReplyRuleError);
    expect(sends()).toBe(0);
  });
});
