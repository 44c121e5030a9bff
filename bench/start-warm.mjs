/**
 * `node bench/start-warm.mjs [--bots 6]`: how much of start() → READY is code running for the first time. Starts the
 * bench emulator, then in this one process creates, starts and stops `bots` bots in turn, printing for each the wall
 * time of createBot(), of start()'s synchronous part, of start() → READY, and the process's CPU time meanwhile. The
 * first bot pays for compiling and warming what the later ones reuse (bench/notes.md, issue 20, third round).
 */
import { parseArgs } from 'node:util';
import { startHost } from './lib/procs.mjs';
import { APP_ID, SECRET } from './lib/scenarios.mjs';

const { values } = parseArgs({ options: { bots: { type: 'string', default: '6' } } });
const host = await startHost({ appId: APP_ID, secret: SECRET });
try {
  const emu = { ...host.info, appId: APP_ID, secret: SECRET };
  const { pino } = await import('pino');
  const lib = await import('../dist/src/index.js');
  const logger = pino({ level: 'silent' });
  for (let i = 0; i < Number(values.bots); i++) {
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const bot = lib.createBot({ appId: emu.appId, secret: emu.secret, tokenUrl: emu.tokenUrl, apiBase: emu.apiBase, logger });
    bot.on('C2C_MESSAGE_CREATE').subscribe(() => {});
    const t1 = performance.now();
    const ready = bot.start();
    const t2 = performance.now();
    await ready;
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const ms = (x) => x.toFixed(1).padStart(5);
    console.log(
      `bot ${i + 1}: createBot ${ms(t1 - t0)} ms, start() returns after ${ms(t2 - t1)} ms, READY after ${ms(t3 - t1)} ms; CPU ${ms((cpu.user + cpu.system) / 1000)} ms`,
    );
    await bot.stop();
  }
} finally {
  await host.close();
}
