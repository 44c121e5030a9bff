import { Writable } from 'node:stream';
import { firstValueFrom, filter, take, toArray, type Observable } from 'rxjs';
import { createBot, type Bot } from '../../src/bot.js';
import type { BotOptions } from '../../src/options.js';
import { createDefaultLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import type { BotState } from '../../src/state.js';
import type { IsolatedObservable } from '../../src/events/isolated.js';

export const appId = '102000001';
export const secret = 'emulator-secret-0123456789';

/** Timings small enough for tests over real sockets, never zero (no hot loops hide). */
export const fastTiming = {
  shard: { RECONNECT_BACKOFF: 20, INVALID_SESSION_WAIT: 20, RATE_LIMIT_WAIT: 50 },
  token: { RETRY_BACKOFF: 20 },
  gateway: { RETRY_BACKOFF: 20 },
  identify: { IDENTIFY_WINDOW: 20 },
  http: { tokenMs: 2_000, gatewayMs: 2_000 },
} satisfies BotOptions['timing'];

/** Captures every log line (JSON) so tests can read what the bot logged. */
export function captureLogs(level = 'trace') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createDefaultLogger({ level, destination });
  return { logger, lines, text: () => lines.join('\n') };
}

export interface BotFixture {
  emu: Emulator;
  bot: Bot;
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
}

export async function startBotOnEmulator(
  options: { emulator?: Partial<EmulatorOptions>; bot?: Partial<BotOptions> } = {},
): Promise<BotFixture> {
  // The client's identify window is shrunk to 20 ms (fastTiming), so the emulator allows a few
  // identifies per 5 s instead of one; tests of the limit itself pass their own sessionStartLimit.
  const emu = await startEmulator({
    appId,
    secret,
    heartbeatInterval: 1_000,
    sessionStartLimit: { maxConcurrency: 5 },
    ...options.emulator,
  });
  const logs = captureLogs();
  const bot = createBot({
    appId,
    secret,
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES', 'INTERACTION'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: logs.logger,
    timing: fastTiming,
    ...options.bot,
  });
  return {
    emu,
    bot,
    logs,
    async close() {
      await bot.stop();
      await emu.close();
    },
  };
}

/** Resolves with the first state that satisfies `predicate`. */
export function waitForState(bot: Bot, predicate: (state: BotState) => boolean): Promise<BotState> {
  return firstValueFrom(bot.state$.pipe(filter(predicate)));
}

export function collect<T>(source: Observable<T> | IsolatedObservable<T>, count: number): Promise<T[]> {
  return firstValueFrom((source as Observable<T>).pipe(take(count), toArray()));
}

/** Lets sockets and HTTP make progress between simulated-clock steps (no real time passes). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
