/** A bot on simulated time against an emulator on the same clock (see sim-driver.ts). */
import { createBot, type Bot } from '../../../src/bot.js';
import type { QQBotError } from '../../../src/errors.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator/index.js';
import type { BotOptions } from '../../../src/options.js';
import { appId, captureLogs, secret } from '../../support/bot-fixture.js';
import { SimDriver, type DriverOptions } from './sim-driver.js';

export interface SimBot {
  driver: SimDriver;
  emu: Emulator;
  bot: Bot;
  logs: ReturnType<typeof captureLogs>;
  errors: QQBotError[];
  /** Starts the bot, stepping simulated time until it runs or fails; resolves with the start error, if any. */
  start(maxSimMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

export async function startSimBot(
  options: { emulator?: Partial<EmulatorOptions>; bot?: Partial<BotOptions>; driver?: Partial<DriverOptions>; logLevel?: string } = {},
): Promise<SimBot> {
  const driver = new SimDriver({ stepMs: 250, ...options.driver });
  const emu = await startEmulator({ appId, secret, heartbeatInterval: 41_250, now: driver.emulatorNow, ...options.emulator });
  const logs = captureLogs(options.logLevel ?? 'info');
  const bot = createBot({
    appId,
    secret,
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    clock: driver.clock,
    logger: logs.logger,
    timing: { http: { tokenMs: 300, gatewayMs: 2_000 } },
    ...options.bot,
  });
  driver.attach(bot);
  const errors: QQBotError[] = [];
  bot.errors$.subscribe((error) => errors.push(error));
  return {
    driver,
    emu,
    bot,
    logs,
    errors,
    async start(maxSimMs = 120_000) {
      let outcome: { error: unknown } | null = null;
      bot.start().then(
        () => (outcome = { error: undefined }),
        (error: unknown) => (outcome = { error }),
      );
      await driver.until(() => outcome !== null, { maxSimMs, description: 'start() to settle' });
      return (outcome as { error: unknown } | null)?.error;
    },
    async close() {
      await bot.stop();
      await emu.close();
    },
  };
}
