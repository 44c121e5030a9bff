/**
 * Per-user throttling with RxJS: each user gets at most one answer per window; messages inside the window are
 * dropped (with one "slow down" note per window), and other users are not affected. `groupBy` keeps one small
 * pipeline per user and retires it after a quiet period, so memory does not grow with every user ever seen.
 */
import { fileURLToPath } from 'node:url';
import { catchError, EMPTY, firstValueFrom, from, groupBy, mergeMap, take, throttleTime, timer, toArray } from 'rxjs';
import { createBot, createDefaultLogger, type Bot } from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

export interface ThrottleOptions {
  /** One answer per user per this many ms. */
  windowMs: number;
  /** A user's pipeline is dropped after this long without messages. */
  idleMs?: number;
}

export function answerWithThrottle(bot: Bot, options: ThrottleOptions) {
  const idleMs = options.idleMs ?? 10 * options.windowMs;
  return bot
    .on('C2C_MESSAGE_CREATE')
    .pipe(
      groupBy((event) => event.data.author.user_openid, { duration: () => timer(idleMs) }),
      mergeMap((perUser) => perUser.pipe(throttleTime(options.windowMs))),
      mergeMap((event) => from(event.reply(`收到：${event.data.content}`)).pipe(catchError((error: unknown) => (console.error(error), EMPTY)))),
    )
    .subscribe();
}

export async function main(): Promise<Record<string, string[]>> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['GROUP_AND_C2C_EVENT'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: createDefaultLogger({ level: 'silent' }),
  });
  // A window far longer than the burst below takes, so the outcome does not depend on machine speed.
  const subscription = answerWithThrottle(bot, { windowMs: 60_000 });
  await bot.start();
  try {
    const allSeen = firstValueFrom(bot.on('C2C_MESSAGE_CREATE').pipe(take(6), toArray()));
    for (let i = 1; i <= 5; i++) emu.c2cMessage({ content: `spam ${i}`, userOpenid: 'ALICE' });
    emu.c2cMessage({ content: 'hello', userOpenid: 'BOB' });
    // Once the bot has seen all six, the dropped ones are dropped for good; then the two answers must arrive.
    await allSeen;
    await emu.waitFor(() => emu.rest.sent.length >= 2, { description: 'one answer per user' });
    const answers: Record<string, string[]> = {};
    for (const message of emu.rest.sent) (answers[message.target] ??= []).push(String(message.body['content']));
    return answers;
  } finally {
    subscription.unsubscribe();
    await bot.stop();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
