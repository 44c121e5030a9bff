import { afterEach, describe, expect, it } from 'vitest';
import { QQReplyRuleError } from '../../src/rest/errors.js';
import { collect, startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('reply() and ack() on delivered events', () => {
  it('allocates msg_seq 1..5 per inbound message and refuses a 6th reply before any request', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const [event] = await Promise.all([collect(bot.on('GROUP_AT_MESSAGE_CREATE'), 1).then((e) => e[0]!), Promise.resolve(emu.groupAtMessage({ content: 'hi' }))]);
    for (let i = 1; i <= 5; i++) await event.reply(`reply ${i}`);
    const sent = emu.rest.sent.filter((m) => m.scene === 'group');
    expect(sent.map((m) => m.msgSeq)).toEqual([1, 2, 3, 4, 5]);
    expect(sent.every((m) => m.passive && m.msgId === event.data.id)).toBe(true);
    const requestsBefore = emu.requests.length;
    const refusal = await event.reply('one too many').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QQReplyRuleError);
    expect((refusal as QQReplyRuleError).rule).toBe('reply-limit');
    expect(emu.requests.length).toBe(requestsBefore);
  });

  it('replies to a lifecycle event by event_id, and acknowledges an interaction', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const friend = collect(bot.on('FRIEND_ADD'), 1);
    const interaction = collect(bot.on('INTERACTION_CREATE'), 1);
    const added = emu.friendAdd();
    const pressed = emu.interaction({ scene: 'c2c' });
    const [friendEvent] = await friend;
    await friendEvent!.reply('欢迎!');
    expect(emu.rest.sent.at(-1)).toMatchObject({ scene: 'c2c', eventId: added.id, passive: true });
    const [interactionEvent] = await interaction;
    await interactionEvent!.ack(0);
    expect(emu.rest.interactionAcks.at(-1)).toMatchObject({ interactionId: (pressed.data as { id: string }).id, code: 0 });
  });

  it('an event that takes no passive reply says so without a request', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const other = collect(bot.events$, 1);
    emu.dispatch('GROUP_DEL_ROBOT', { group_openid: 'G', op_member_openid: 'M', timestamp: 1 });
    const [event] = await other;
    const before = emu.requests.length;
    const error = await (event as unknown as { reply(text: string): Promise<unknown> }).reply('bye').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QQReplyRuleError);
    expect((error as QQReplyRuleError).rule).toBe('not-replyable');
    expect(emu.requests.length).toBe(before);
  });
});
