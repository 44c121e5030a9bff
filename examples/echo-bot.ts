/**
 * A complete bot on the local emulator: starts the emulator, connects a bot to it, has a "user" send a C2C and a
 * group message, and shows what the bot answered. Run it: `npx tsx examples/echo-bot.ts`.
 *
 * Against the real platform, drop the emulator and the `tokenUrl` / `apiBase` options (and add `sandbox: true` while
 * developing); everything else stays the same.
 */
import { fileURLToPath } from 'node:url';
import { createBot, createDefaultLogger, stripMentions } from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

export async function main(): Promise<string[]> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['GROUP_AND_C2C_EVENT'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    // The default logger prints info lines to stdout; 'silent' (or 'warn') quiets it.
    logger: createDefaultLogger({ level: 'silent' }),
  });

  // A failed reply would reach bot.errors$ anyway; catching it here says which message it was.
  const report = (error: unknown) => console.error('reply failed:', error);
  bot.on('C2C_MESSAGE_CREATE').subscribe((event) => void event.reply(`你说：${event.data.content}`).catch(report));
  bot.on('GROUP_AT_MESSAGE_CREATE').subscribe((event) => void event.reply(`群里有人说：${stripMentions(event.data.content)}`).catch(report));
  bot.errors$.subscribe((error) => console.error(error.code, error.message));

  await bot.start(); // resolves when the gateway session is READY
  try {
    emu.c2cMessage({ content: '你好' });
    emu.groupAtMessage({ content: '大家好' });
    await emu.waitFor(() => emu.rest.sent.length >= 2, { description: 'two replies' });
    const answers = emu.rest.sent.map((message) => `${message.scene}: ${String(message.body['content'])}`);
    for (const line of answers) console.log(line);
    return answers;
  } finally {
    await bot.stop();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
