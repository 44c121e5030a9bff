/**
 * qq-official-bot@1.0.13 (zhinjs/qq-official-bot), driven as in shared/research/peer-sdks.md §4b: REST base and the
 * token URL literal rewritten to the emulator on its axios instance, logLevel 'off', the receiver options set (or
 * its backoff is NaN). Handler: bot.on('message.private.friend') (C2C_MESSAGE_CREATE).
 * It cannot shard (`shard: [0, 1]` is hard-coded), so "N shards" is N Bot instances, one connection each.
 */
import { createRequire } from 'node:module';

export const label = 'qq-official-bot 1.0.13';
const require = createRequire(new URL('../peers/package.json', import.meta.url));

export async function load() {
  return require('qq-official-bot');
}

export async function connect({ Bot, ReceiverMode }, { emu, onEvent, shards: shardCount }) {
  const base = emu.apiBase;
  const total = shardCount ?? 1;
  const bots = [];
  const starts = [];
  for (let i = 0; i < total; i++) {
    const bot = new Bot({
      appid: emu.appId,
      secret: emu.secret,
      sandbox: false,
      mode: ReceiverMode.WEBSOCKET,
      intents: ['GROUP_AND_C2C_EVENT'],
      logLevel: 'off',
      timeout: 5000,
      maxRetries: 10,
      reconnectDelay: 1000,
      heartbeatInterval: 45000,
      maxRetry: 10,
    });
    bot.request.defaults.baseURL = base;
    bot.request.interceptors.request.use((cfg) => {
      if (cfg.url?.startsWith('https://bots.qq.com')) cfg.url = base + cfg.url.slice('https://bots.qq.com'.length);
      return cfg;
    });
    bot.on('message.private.friend', (event) => onEvent(event));
    bots.push(bot);
    starts.push(bot.start());
  }
  let connected = 0;
  for (const start of starts) start.then(() => (connected += 1));
  return { ready: Promise.all(starts), connected: () => connected, stop: () => {} };
}
