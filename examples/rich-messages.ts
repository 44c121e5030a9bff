/**
 * Markdown with a keyboard, the button click that follows (acknowledged), an image from a file and from bytes,
 * and an ark and an embed in a guild channel: every message kind, built with the builders and sent to the
 * emulator, which checks each body as the platform would.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catchError, EMPTY, firstValueFrom, from, mergeMap, type OperatorFunction } from 'rxjs';
import {
  ark,
  callbackButton,
  createBot,
  createDefaultLogger,
  embed,
  image,
  keyboard,
  linkButton,
  markdown,
  mentionUser,
  stripMentions,
} from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

/** Runs async work per event, in parallel; a failure is logged and the stream carries on. */
function handle<T>(work: (event: T) => Promise<unknown>): OperatorFunction<T, unknown> {
  return mergeMap((event: T) => from(work(event)).pipe(catchError((error: unknown) => (console.error(error), EMPTY))));
}

// A 1×1 PNG, so the example needs no asset.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export async function main(): Promise<{ kinds: number[]; ackCodes: number[]; guildBodies: string[] }> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES', 'INTERACTION'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: createDefaultLogger({ level: 'silent' }),
  });
  const dir = await mkdtemp(join(tmpdir(), 'qq-bot-machine-example-'));
  await writeFile(join(dir, 'pixel.png'), PIXEL);

  bot.on('GROUP_AT_MESSAGE_CREATE').pipe(handle(async (event) => {
    if (stripMentions(event.data.content) !== '/menu') return;
    await event.reply(markdown('**今天吃什么？**', keyboard([
      [callbackButton('面', 'noodles'), callbackButton('饭', 'rice')],
      [linkButton('菜单', 'https://example.com/menu')],
    ])));
    await event.replyMedia(image(join(dir, 'pixel.png'), '从文件'));
    await event.replyMedia(image(PIXEL, '从内存'));
  })).subscribe();
  // An un-acked click keeps spinning on the user's phone.
  bot.on('INTERACTION_CREATE').pipe(handle((event) => event.ack())).subscribe();
  bot.on('AT_MESSAGE_CREATE').pipe(handle(async (event) => {
    await event.reply(ark(23, { '#DESC#': '描述', '#PROMPT#': '通知', '#LIST#': [{ desc: '第一行' }, { desc: '链接', link: 'https://example.com' }] }));
    await event.reply(embed({ title: '服务器状态', prompt: '状态更新', fields: ['CPU 12%', '内存 40%'] }));
    await event.reply(`${mentionUser(event.data.author.id)} 收到`);
  })).subscribe();

  await bot.start();
  try {
    emu.groupAtMessage({ content: '/menu' });
    await emu.waitFor(() => emu.rest.sentTo('group').length >= 3, { description: 'menu, two images' });
    const acked = firstValueFrom(bot.on('INTERACTION_CREATE'));
    emu.interaction({ scene: 'group', buttonData: 'noodles' });
    await acked;
    await emu.waitFor(() => emu.rest.interactionAcks.length >= 1, { description: 'the ack' });
    emu.guildAtMessage({ content: 'status' });
    await emu.waitFor(() => emu.rest.sentTo('guild').length >= 3, { description: 'three guild replies' });
    return {
      kinds: emu.rest.sentTo('group').map((m) => m.msgType ?? -1),
      ackCodes: emu.rest.interactionAcks.map((a) => a.code),
      guildBodies: emu.rest.sentTo('guild').map((m) => Object.keys(m.body).filter((k) => k !== 'msg_id').join('+')),
    };
  } finally {
    await bot.stop();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
