/**
 * qq-bot-machine, as a user would run it: createBot() from the built package, a silent pino logger, one RxJS
 * subscriber on bot.on('C2C_MESSAGE_CREATE'). Library defaults for everything else (intents, timings, shards 'auto').
 */
export const label = 'qq-bot-machine';

export async function load() {
  const lib = await import('../../dist/src/index.js');
  const { pino } = await import('pino');
  return { lib, pino };
}

export async function connect({ lib, pino }, { emu, onEvent, timing }) {
  const bot = lib.createBot({
    appId: emu.appId,
    secret: emu.secret,
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: pino({ level: 'silent' }),
    ...(timing ? { timing } : {}),
  });
  bot.on('C2C_MESSAGE_CREATE').subscribe((event) => onEvent(event.data));
  const ready = bot.start();
  return {
    bot,
    ready,
    connected: () => bot.state.shards.filter((shard) => shard.ready).length,
    describe: () => ({ shards: bot.state.shards.map((s) => ({ state: s.state, reconnects: s.reconnects, lastDisconnect: s.lastDisconnect })) }),
    stop: () => bot.stop(),
  };
}
