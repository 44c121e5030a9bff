/**
 * Command routing with RxJS: one stream of parsed commands from C2C, group and guild messages, and one small
 * pipeline per command. Unknown commands get a help text. Each handler's failure stays with that message.
 */
import { fileURLToPath } from 'node:url';
import { catchError, EMPTY, filter, from, map, mergeMap, share, type Observable } from 'rxjs';
import { createBot, createDefaultLogger, stripMentions, type Bot, type BotEvent } from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

type MessageEvent = BotEvent<'C2C_MESSAGE_CREATE' | 'GROUP_AT_MESSAGE_CREATE' | 'AT_MESSAGE_CREATE'>;

export interface Command {
  name: string;
  args: string[];
  event: MessageEvent;
}

/** `'<@!bot> /roll 6'` → `{ name: 'roll', args: ['6'] }`; text that is not a `/command` → undefined. */
export function parseCommand(event: MessageEvent): Command | undefined {
  const text = stripMentions(event.data.content ?? '');
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  if (!match) return undefined;
  const [, name = '', rest = ''] = match;
  return { name: name.toLowerCase(), args: rest.split(/\s+/).filter(Boolean), event };
}

export function commands(bot: Bot): Observable<Command> {
  return bot.on('C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE').pipe(
    map(parseCommand),
    filter((command): command is Command => command !== undefined),
    share(), // one subscription to the bot, however many routes listen
  );
}

/** A route: the commands it takes, and what it answers. A failure is logged and the other routes carry on. */
function route(all: Observable<Command>, names: string[], answer: (command: Command) => string | Promise<string>) {
  return all.pipe(
    filter((command) => names.includes(command.name)),
    mergeMap((command) =>
      from(Promise.resolve(answer(command)).then((text) => command.event.reply(text))).pipe(
        catchError((error: unknown) => (console.error(`/${command.name} failed:`, error), EMPTY)),
      ),
    ),
  );
}

export function startRoutes(bot: Bot, random: () => number = Math.random) {
  const all = commands(bot);
  const known = ['roll', 'r', 'echo', 'help'];
  const help = '命令：/roll [面数]、/echo 文字、/help';
  return [
    route(all, ['roll', 'r'], ({ args }) => {
      const sides = Math.max(2, Math.min(1000, Number(args[0]) || 6));
      return `🎲 ${1 + Math.floor(random() * sides)} (1-${sides})`;
    }),
    route(all, ['echo'], ({ args }) => args.join(' ') || '（空）'),
    route(all, ['help'], () => help),
    all.pipe(
      filter((command) => !known.includes(command.name)),
      mergeMap((command) => from(command.event.reply(`不认识 /${command.name}。${help}`)).pipe(catchError(() => EMPTY))),
    ),
  ].map((stream) => stream.subscribe());
}

export async function main(): Promise<string[]> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: createDefaultLogger({ level: 'silent' }),
  });
  const subscriptions = startRoutes(bot, () => 0.5);
  await bot.start();
  try {
    emu.c2cMessage({ content: '/roll 20' });
    emu.groupAtMessage({ content: '/echo 你好 世界' });
    emu.guildAtMessage({ content: '/dance' });
    emu.c2cMessage({ content: 'not a command' });
    await emu.waitFor(() => emu.rest.sent.length >= 3, { description: 'three answers' });
    return emu.rest.sent.map((message) => String(message.body['content']));
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await bot.stop();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
