import { pino, type Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { createBot, type Bot } from './bot.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import type { QQBotError } from './errors.js';
import type { AnyBotEvent } from './events/types.js';
import { serveInspector, type InspectorServer } from './inspector/index.js';
import type { BotState } from './state.js';

/**
 * `npm start`: an echo bot. Without credentials it runs against the embedded emulator and plays a
 * short script of users and faults, then prints a summary and exits 0. With `QQ_BOT_APP_ID` and
 * `QQ_BOT_SECRET` (and `QQ_BOT_SANDBOX=1`) it connects to the real platform until Ctrl-C.
 */
export async function runDemo(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
  /**
   * `logger`: the bot's logger instead of the demo's own (tests: capture every line at trace level).
   * `onEmulator`: handed the embedded emulator once it runs (tests: read what it issued and saw).
   */
  options: { logger?: Logger; onEmulator?: (emulator: Emulator) => void } = {},
): Promise<number> {
  const forever = args.includes('--forever');
  const verbose = args.includes('--verbose');
  const inspect = inspectPort(args);
  const print = (line: string) => out.write(`${line}\n`);
  if (env['QQ_BOT_APP_ID'] && env['QQ_BOT_SECRET']) {
    return runAgainstPlatform(env['QQ_BOT_APP_ID'], env['QQ_BOT_SECRET'], env['QQ_BOT_SANDBOX'] === '1', print, verbose, inspect);
  }
  return runAgainstEmulator({ forever, verbose, print, logger: options.logger, onEmulator: options.onEmulator, inspect });
}

/** `--inspect` (port 7070) or `--inspect=PORT`: serve the live inspector; null without the flag. */
function inspectPort(args: string[]): number | null {
  const flag = args.find((arg) => arg === '--inspect' || arg.startsWith('--inspect='));
  if (!flag) return null;
  const port = flag === '--inspect' ? 7070 : Number(flag.slice('--inspect='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--inspect=PORT needs a port from 0 to 65535, got "${flag}"`);
  return port;
}

/** Serves the inspector on `port`, or on a free port when that one is taken; prints the URL. */
async function startInspector(bot: Bot, port: number, print: (line: string) => void): Promise<InspectorServer> {
  const logger = pino({ level: 'silent' });
  const inspector = await serveInspector(bot, { port, logger }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    print(`(port ${port} is taken; using a free one)`);
    return serveInspector(bot, { port: 0, logger });
  });
  print(`inspector  ${inspector.url}   ← open it in a browser (from another machine: ssh -L ${inspector.port}:127.0.0.1:${inspector.port} <this host>)\n`);
  return inspector;
}

const appId = '102000001';
const secret = 'demo-secret-do-not-use-in-production';

async function runAgainstEmulator(options: {
  forever: boolean;
  verbose: boolean;
  print: (line: string) => void;
  logger: Logger | undefined;
  onEmulator: ((emulator: Emulator) => void) | undefined;
  inspect: number | null;
}): Promise<number> {
  const { print } = options;
  print('qq-bot-machine demo — an echo bot on the embedded QQ platform emulator');
  print('(set QQ_BOT_APP_ID and QQ_BOT_SECRET to run the same bot against the real platform)\n');
  const emu = await startEmulator({ appId, secret, heartbeatInterval: 1_000, tokenTtl: 6 });
  options.onEmulator?.(emu);
  print(`emulator   token ${emu.tokenUrl}\n           api   ${emu.apiBase}\n           ws    ${emu.gatewayUrl}\n`);
  const bot = createBot({
    appId,
    secret,
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES', 'INTERACTION'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: options.logger ?? pino({ level: options.verbose ? 'debug' : 'silent' }),
    timing: { shard: { RECONNECT_BACKOFF: 300 } },
  });
  const watch = watchBot(bot, print);
  const replies = echo(bot, print);
  try {
    if (options.inspect !== null) await startInspector(bot, options.inspect, print);
    await bot.start();
    await playScript(emu, bot, print);
    if (options.inspect !== null) {
      print(summarize(emu, watch.received, bot.state, replies.count()).text);
      print('\n--inspect: the bot keeps running and the faults play again every few seconds; press Ctrl-C to stop.');
      const stopped = untilSignal();
      let running = true;
      void stopped.then(() => (running = false));
      while (running) {
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 4_000))]);
        if (running) await Promise.race([stopped, playScript(emu, bot, print)]);
      }
    } else if (options.forever) {
      print('\n--forever: the bot keeps running; send events with the emulator CLI or press Ctrl-C.');
      await untilSignal();
    }
    const summary = summarize(emu, watch.received, bot.state, replies.count());
    print(summary.text);
    return summary.ok ? 0 : 1;
  } catch (error) {
    print(`demo failed: ${(error as Error).message}`);
    return 1;
  } finally {
    watch.stop();
    await bot.stop();
    await emu.close();
  }
}

async function runAgainstPlatform(id: string, key: string, sandbox: boolean, print: (line: string) => void, verbose: boolean, inspect: number | null): Promise<number> {
  print(`qq-bot-machine demo — echo bot on the ${sandbox ? 'sandbox' : 'production'} QQ platform (Ctrl-C to stop)`);
  const bot = createBot({ appId: id, secret: key, sandbox, logger: pino({ level: verbose ? 'debug' : 'info' }) });
  const watch = watchBot(bot, print);
  echo(bot, print);
  try {
    if (inspect !== null) await startInspector(bot, inspect, print);
    await bot.start();
    await untilSignal();
    return 0;
  } catch (error) {
    print(`failed: ${(error as QQBotError).message}`);
    return 1;
  } finally {
    watch.stop();
    await bot.stop();
  }
}

/** Prints state changes, events and errors as they happen. */
function watchBot(bot: Bot, print: (line: string) => void) {
  const received = new Map<string, number>();
  const last = new Map<number, string>();
  let lastStatus = '';
  const subscriptions: Subscription[] = [
    bot.state$.subscribe((state) => {
      if (state.status !== lastStatus) print(`  bot      ${lastStatus || '∅'} → ${state.status}`);
      lastStatus = state.status;
      for (const shard of state.shards) {
        if (last.get(shard.id) !== shard.state) {
          print(`  shard ${shard.id}  ${last.get(shard.id) ?? '∅'} → ${shard.state}${shard.state === 'backoff' && shard.lastDisconnect ? `  (${shard.lastDisconnect})` : ''}`);
          last.set(shard.id, shard.state);
        }
      }
    }),
    bot.events$.subscribe((event: AnyBotEvent) => {
      const key = event.id ?? `${event.shard}:${event.seq}`;
      received.set(key, (received.get(key) ?? 0) + 1);
      print(`  ← ${event.type} ${describe(event)}`);
    }),
    bot.errors$.subscribe((error) => print(`  ! ${error.code}${error.fatal ? ' (fatal)' : ''}: ${error.message}`)),
  ];
  return { received, stop: () => subscriptions.forEach((s) => s.unsubscribe()) };
}

function describe(event: AnyBotEvent): string {
  const data = event.data as { content?: string; author?: { user_openid?: string; member_openid?: string; username?: string } };
  const who = data.author?.user_openid ?? data.author?.member_openid ?? data.author?.username ?? '';
  return data.content !== undefined ? `${who.slice(0, 8)}: "${data.content.trim()}"` : '';
}

/** The echo: every message gets its content back as a passive reply. */
function echo(bot: Bot, print: (line: string) => void) {
  let count = 0;
  bot.handle(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE', 'DIRECT_MESSAGE_CREATE'], async (event) => {
    const text = `echo: ${(event.data.content ?? '').trim()}`;
    try {
      await event.reply(text);
      count += 1;
      print(`  → reply ${JSON.stringify(text)}`);
    } catch (error) {
      print(`  ! reply failed: ${(error as Error).message}`);
    }
  });
  return { count: () => count };
}

async function playScript(emu: Emulator, bot: Bot, print: (line: string) => void): Promise<void> {
  const step = (text: string) => print(`\n▶ ${text}`);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // counted from where this run of the script starts (--inspect plays it again and again)
  const before = Math.min(...bot.state.shards.map((s) => s.reconnects));
  const readyAgain = (reconnects: number) =>
    new Promise<void>((resolve) => {
      const subscription = bot.state$.subscribe((state) => {
        if (state.shards.every((s) => s.ready && s.reconnects >= before + reconnects)) {
          queueMicrotask(() => subscription.unsubscribe());
          resolve();
        }
      });
    });

  step('users write to the bot');
  emu.c2cMessage({ content: '你好，机器人' });
  emu.groupAtMessage({ content: '今天天气怎么样？' });
  emu.guildAtMessage({ content: 'hello from a guild channel' });
  await pause(300);

  step('fault: the platform asks the bot to reconnect (op 7); a message arrives meanwhile');
  emu.sendReconnect();
  emu.c2cMessage({ content: 'sent during the reconnect' });
  await readyAgain(1);
  await pause(200);

  step('fault: the connection expires (close 4009); two messages arrive while the bot is away');
  emu.closeSession(4009);
  emu.c2cMessage({ content: 'missed message 1' });
  emu.groupAtMessage({ content: 'missed message 2' });
  await readyAgain(2);
  await pause(200);

  step('fault: a zombie connection — the platform stops ACKing heartbeats');
  emu.suspendHeartbeatAcks();
  await readyAgain(3);
  emu.resumeHeartbeatAcks();
  emu.c2cMessage({ content: 'after the zombie' });
  await pause(300);

  step('fault: the access token expires early; the next requests need a fresh one');
  emu.expireTokens();
  emu.closeSession(4004);
  emu.c2cMessage({ content: 'after the token expiry' });
  await readyAgain(4);
  await pause(500);
}

function summarize(emu: Emulator, received: Map<string, number>, state: BotState, replies: number) {
  const sent = emu.stats.dispatched;
  const unique = received.size;
  const duplicated = [...received.values()].reduce((sum, n) => sum + (n - 1), 0);
  const lost = Math.max(0, sent - unique);
  const reconnects = state.shards.reduce((sum, s) => sum + s.reconnects, 0);
  const ok = lost === 0 && duplicated === 0 && emu.stats.expiredTokenUses === 0;
  const text = [
    '',
    '─── summary ───',
    `events sent      ${sent}`,
    `events received  ${unique}`,
    `lost             ${lost}`,
    `duplicated       ${duplicated}`,
    `replies sent     ${replies}`,
    `reconnects       ${reconnects}`,
    `resumes          ${emu.stats.resumes}`,
    `identifies       ${emu.stats.identifies}`,
    `tokens issued    ${emu.stats.tokensIssued} (expired-token uses: ${emu.stats.expiredTokenUses})`,
    ok ? 'nothing lost, nothing duplicated.' : 'SOMETHING WENT WRONG — see above.',
  ].join('\n');
  return { ok, text };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
