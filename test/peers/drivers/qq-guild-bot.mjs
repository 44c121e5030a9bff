/**
 * Runs qq-guild-bot@2.9.5 (tencent-connect/bot-node-sdk, the official Node SDK) unchanged against the emulator, in
 * its own process (its loglevel logger is forced to 'trace' at import and `ws.disconnect()` does not stop it).
 *
 * It has no base-URL option: `buildUrl()` returns https://api.sgroup.qq.com (src/utils/utils.ts) for REST and for
 * GET /gateway/bot. Its HTTP client, resty-client, installs *static* request middleware on every axios instance it
 * creates, so one `resty.useReq` hook rewrites that host to the emulator: a public hook of its own dependency, no
 * patch. It authenticates with the retired `Bot <appID>.<token>`, so the emulator runs with acceptLegacyToken.
 *
 * Env: EMU_API_BASE, EMU_APP_ID. Protocol: one JSON object per stdout line: {event:'ready'} |
 * {event:'message', kind:'guild', id} | {event:'reply', kind, ok, status?, code?}.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const base = process.env.EMU_API_BASE;

// Its logger binds console at import time; silence it so stdout carries only our protocol lines.
const quiet = () => undefined;
Object.assign(console, { log: quiet, info: quiet, debug: quiet, trace: quiet, warn: quiet });
const { createOpenAPI, createWebsocket } = require('qq-guild-bot');
const resty = require(require.resolve('resty-client', { paths: [path.dirname(require.resolve('qq-guild-bot'))] }));
resty.useReq((config) => {
  config.url = config.url.replace(/^https:\/\/(sandbox\.)?api\.sgroup\.qq\.com/, base);
  return config;
});

const config = { appID: process.env.EMU_APP_ID, token: 'legacy-bot-token', sandbox: false, intents: ['PUBLIC_GUILD_MESSAGES'], maxRetry: 3 };
const client = createOpenAPI(config);
const ws = createWebsocket(config);
ws.on('READY', () => say({ event: 'ready' }));
ws.on('ERROR', () => undefined);
ws.on('PUBLIC_GUILD_MESSAGES', async ({ eventType, msg }) => {
  if (eventType !== 'AT_MESSAGE_CREATE') return;
  say({ event: 'message', kind: 'guild', id: msg.id });
  try {
    await client.messageApi.postMessage(msg.channel_id, { content: 'pong guild', msg_id: msg.id });
    say({ event: 'reply', kind: 'guild', ok: true });
  } catch (error) {
    say({ event: 'reply', kind: 'guild', ok: false, status: error?.status ?? error?.response?.status, code: error?.data?.code ?? error?.response?.data?.code });
  }
});
