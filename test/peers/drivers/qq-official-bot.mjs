/**
 * Runs qq-official-bot@1.0.13 (zhinjs/qq-official-bot) unchanged against the emulator, in its own process: the SDK
 * installs process-wide uncaughtException/unhandledRejection swallowers and `bot.stop()` does not quiesce it
 * (shared/research/peer-sdks.md §4b), so the test kills this process instead.
 *
 * Pointing it at the emulator takes two of its public surfaces, no patch: `bot.request` is the axios instance every
 * REST call and GET /gateway/bot go through (baseURL), and the token URL literal `https://bots.qq.com/...`
 * (lib/core/auth.js) is rewritten by a request interceptor on that same instance.
 *
 * Env: EMU_API_BASE, EMU_APP_ID, EMU_SECRET, MODE ('websocket' | 'middleware'), INTENTS (comma list).
 * Protocol: one JSON object per stdout line: {event:'started'} | {event:'message', kind, id} |
 * {event:'reply', kind, ok, status?, code?} | {event:'webhook', port} | {event:'error', message}.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Bot, ReceiverMode } = require('qq-official-bot');

const base = process.env.EMU_API_BASE;
const mode = process.env.MODE ?? 'websocket';
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const bot = new Bot({
  appid: process.env.EMU_APP_ID,
  secret: process.env.EMU_SECRET,
  sandbox: false,
  mode: mode === 'middleware' ? ReceiverMode.MIDDLEWARE : ReceiverMode.WEBSOCKET,
  ...(mode === 'middleware' ? { platform: 'express' } : {}),
  intents: (process.env.INTENTS ?? 'GROUP_AND_C2C_EVENT,PUBLIC_GUILD_MESSAGES').split(','),
  logLevel: 'off',
  timeout: 5000,
  // The websocket receiver reads these from the top-level config; without them its backoff is NaN (§4b).
  maxRetries: 10,
  reconnectDelay: 500,
  heartbeatInterval: 45000,
  // Two layers reconnect on a close: the session layer (maxRetry; it re-identifies at once) and the websocket
  // receiver (maxRetries; it resumes). Both at once give the duplicate sockets of §4b. A negative maxRetry turns
  // the session layer's off (0 would not: lib/core/session.js reads `maxRetry || 10`) and leaves the receiver's
  // resume, the flow the platform documents for 4009.
  maxRetry: -1,
});
bot.request.defaults.baseURL = base;
bot.request.interceptors.request.use((config) => {
  if (config.url?.startsWith('https://bots.qq.com')) config.url = base + config.url.slice('https://bots.qq.com'.length);
  return config;
});

const seen = new Set();
function onMessage(kind) {
  return async (event) => {
    // Any close makes this SDK open a second socket and deliver twice (§4b): reply once per message id.
    if (seen.has(event.message_id)) return;
    seen.add(event.message_id);
    say({ event: 'message', kind, id: event.message_id });
    try {
      await event.reply(`pong ${kind}`);
      say({ event: 'reply', kind, ok: true });
    } catch (error) {
      say({ event: 'reply', kind, ok: false, status: error?.response?.status, code: error?.response?.data?.code });
    }
  };
}
bot.on('message.private.friend', onMessage('c2c'));
bot.on('message.group', onMessage('group'));
bot.on('message.guild', onMessage('guild'));

if (mode === 'middleware') {
  // Its WEBHOOK mode listens on a fixed port on every interface (server.listen(port), no host). Its MIDDLEWARE
  // mode runs the same signature check, op 13 answer and dispatch, mounted on a server we bind to 127.0.0.1:0.
  // Its start() never resolves in this mode (the receiver emits 'ready' before lib/core/session.js listens for it),
  // so wait for what start() sets up instead: the Ed25519 key the handler verifies with.
  void bot.start();
  while (!bot.receiver.handler.ed25519) await new Promise((resolve) => setTimeout(resolve, 10));
  const handler = bot.middleware;
  const server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1', () => say({ event: 'webhook', port: server.address().port }));
} else {
  await bot.start();
  say({ event: 'started' });
}
