/**
 * Every builder's output, sent through event.reply / replyMedia / bot.api against the emulator over real
 * sockets: the emulator validates the bodies (markdown/keyboard/ark/embed rules, multipart) and records them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ark,
  callbackButton,
  embed,
  image,
  keyboard,
  linkButton,
  markdown,
  markdownTemplate,
  mentionUser,
  stripMentions,
  text,
} from '../../src/messages/index.js';
import { collect, startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('built messages reach the platform intact', () => {
  it('C2C: text, markdown (native + template) with a keyboard, ark, and an image from a URL, bytes and a file', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const messages = collect(bot.on('C2C_MESSAGE_CREATE'), 2);
    emu.c2cMessage({ content: 'one' });
    emu.c2cMessage({ content: 'two' });
    const [first, second] = await messages;
    const kb = keyboard([[callbackButton('是', 'yes'), callbackButton('否', 'no')], [linkButton('文档', 'https://bot.q.qq.com/wiki/')]]);
    await first!.reply(text('hi'));
    await first!.reply(markdown('**bold**', kb));
    await first!.reply(markdownTemplate('tpl_1', { title: 't' }, kb));
    await first!.reply(ark(23, { '#DESC#': 'd', '#PROMPT#': 'p', '#LIST#': [{ desc: 'row' }] }));
    await first!.replyMedia(image('https://example.com/cat.png'));

    const dir = mkdtempSync(join(tmpdir(), 'qqbm-'));
    writeFileSync(join(dir, 'cat.png'), png);
    await second!.replyMedia(image(png));
    await second!.replyMedia(image(join(dir, 'cat.png'), 'from a file'));

    const sent = emu.rest.sentTo('c2c');
    expect(sent.map((m) => m.msgType)).toEqual([0, 2, 2, 3, 7, 7, 7]);
    expect(sent[1]!.body).toMatchObject({ markdown: { content: '**bold**' }, keyboard: { content: { rows: [{ buttons: [{ id: 'r1c1' }, { id: 'r1c2' }] }, { buttons: [{ id: 'r2c1' }] }] } } });
    expect(sent[2]!.body).toMatchObject({ markdown: { custom_template_id: 'tpl_1', params: [{ key: 'title', values: ['t'] }] } });
    expect(sent[6]!.body).toMatchObject({ content: 'from a file' });
    const uploads = emu.rest.uploads;
    expect(uploads.map((u) => [u.url, u.fileDataBytes])).toEqual([
      ['https://example.com/cat.png', undefined],
      [undefined, png.length],
      [undefined, png.length],
    ]);
    expect(uploads.every((u) => u.srvSendMsg === false)).toBe(true);
    expect(emu.rest.rejections).toEqual([]);
  });

  it('group: the command is found under the stripped @, and the reply mentions nobody by accident', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const events = collect(bot.on('GROUP_AT_MESSAGE_CREATE'), 1);
    emu.groupAtMessage({ content: '/menu' });
    const [event] = await events;
    expect(stripMentions(event!.data.content)).toBe('/menu');
    await event!.reply(markdown('菜单', keyboard([[callbackButton('签到', 'checkin')]])));
    expect(emu.rest.sentTo('group').at(-1)).toMatchObject({ msgType: 2, passive: true });
  });

  it('guild: builder bodies lose msg_type, a local image goes as multipart file_image, embeds and mentions pass', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const events = collect(bot.on('AT_MESSAGE_CREATE'), 1);
    emu.guildAtMessage({ content: '/status' });
    const [event] = await events;
    expect(stripMentions(event!.data.content ?? '')).toBe('/status');
    await event!.reply(text(`${mentionUser(event!.data.author.id)} ok`));
    await event!.reply(embed({ title: '状态', fields: ['CPU 1%'] }));
    await event!.reply(markdown('**x**', keyboard([[callbackButton('a', 'a')]])));
    await event!.replyMedia(image(png, 'a picture'));
    const channel = event!.data.channel_id;
    await bot.api.sendChannelMessage(channel ?? '', markdown('active'));

    const sent = emu.rest.sentTo('guild', channel ?? '');
    expect(sent.map((m) => 'msg_type' in m.body)).toEqual([false, false, false, false, false]);
    expect(sent[0]!.body.content).toBe(`<@!${event!.data.author.id}> ok`);
    expect(sent[1]!.body.embed).toEqual({ title: '状态', fields: [{ name: 'CPU 1%' }] });
    expect(sent[3]!.body).toMatchObject({ content: 'a picture', file_image: { bytes: png.length }, msg_id: event!.data.id });
    expect(sent[4]!.passive).toBe(false);
    expect(emu.rest.rejections).toEqual([]);
  });

  it('a builder body the scene cannot take fails before any request', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const events = collect(bot.on('AT_MESSAGE_CREATE'), 1);
    emu.guildAtMessage({ content: 'x' });
    const [event] = await events;
    const before = emu.requests.length;
    const error = await event!.reply({ msg_type: 7, media: { file_info: 'f' } } as never).catch((e: unknown) => e);
    expect((error as Error).name).toBe('QQMessageError');
    expect(emu.requests.length).toBe(before);
  });
});
