/**
 * Graceful shutdown: on SIGINT/SIGTERM stop taking new work, let the replies already under way finish (up to a
 * deadline), then `bot.stop()`, which closes the gateway socket cleanly and cancels every timer, so the process
 * exits on its own. A second signal exits at once.
 */
import { fileURLToPath } from 'node:url';
import { catchError, EMPTY, firstValueFrom, from, mergeMap, takeUntil, Subject } from 'rxjs';
import { createBot, createDefaultLogger, type Bot } from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

export interface Shutdown {
  /** Starts the shutdown; resolves when the bot is stopped. Calling it again returns the same promise. */
  (reason: string): Promise<void>;
  /** Replies started but not yet finished. */
  readonly inFlight: () => number;
}

export function serveUntilShutdown(bot: Bot, options: { drainMs: number }): Shutdown {
  const stopping = new Subject<void>();
  const pending = new Set<Promise<unknown>>();
  bot
    .on('C2C_MESSAGE_CREATE')
    .pipe(
      takeUntil(stopping), // new messages after the signal are not taken
      mergeMap((event) => {
        const work = event.reply(`处理中：${event.data.content}`);
        pending.add(work);
        return from(work.finally(() => pending.delete(work))).pipe(catchError((error: unknown) => (console.error(error), EMPTY)));
      }),
    )
    .subscribe();

  let done: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    done ??= (async () => {
      console.error(`shutting down (${reason}); ${pending.size} replies in flight`);
      stopping.next();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, options.drainMs).unref());
      await Promise.race([Promise.allSettled([...pending]), deadline]);
      await bot.stop();
    })();
    return done;
  };
  return Object.assign(shutdown, { inFlight: () => pending.size });
}

/** Wires the signals; returns a function that removes the handlers again. */
export function onSignals(shutdown: Shutdown): () => void {
  let signals = 0;
  const handler = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second Ctrl-C: the user means it
    void shutdown(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function main(): Promise<{ inFlightAtSignal: number; repliesAfterShutdown: number; lastStatus: string }> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['GROUP_AND_C2C_EVENT'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: createDefaultLogger({ level: 'silent' }),
  });
  const shutdown = serveUntilShutdown(bot, { drainMs: 5_000 });
  const removeHandlers = onSignals(shutdown);
  let lastStatus = '';
  bot.state$.subscribe((state) => (lastStatus = state.status));
  await bot.start();
  try {
    const arrived = firstValueFrom(bot.on('C2C_MESSAGE_CREATE'));
    emu.c2cMessage({ content: 'first' });
    await arrived; // its reply has just started
    const inFlightAtSignal = shutdown.inFlight();
    await shutdown('example'); // what SIGTERM does
    return { inFlightAtSignal, repliesAfterShutdown: emu.rest.sent.length, lastStatus };
  } finally {
    removeHandlers();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
