/**
 * qq-guild-bot@2.9.5 (tencent-connect/bot-node-sdk), driven as in shared/research/peer-sdks.md §4a:
 * REST/gateway lookups rewritten to the emulator with a resty request hook, legacy `Bot <appid>.<token>` auth
 * (the emulator runs with acceptLegacyToken), its loglevel logger silenced at import.
 *
 * Two harness adaptations, both needed for it to receive C2C events at all: its intent table has no
 * GROUP_AND_C2C_EVENT, so the bit (1 << 25) is added to the exported IntentEvents object; and C2C dispatches have no
 * entry in its event map, so they are emitted under the event name "undefined", which is where the handler listens.
 * Sharding: one WebsocketClient per shard, `shards: [id, total]` (its only sharding mode).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export const label = 'qq-guild-bot 2.9.5';
const require = createRequire(new URL('../peers/package.json', import.meta.url));

export async function load() {
  const saved = { log: console.log, info: console.info, debug: console.debug, trace: console.trace, warn: console.warn };
  Object.assign(console, { log() {}, info() {}, debug() {}, trace() {}, warn() {} });
  try {
    const sdk = require('qq-guild-bot');
    const resty = require(require.resolve('resty-client', { paths: [path.dirname(require.resolve('qq-guild-bot'))] }));
    return { sdk, resty };
  } finally {
    Object.assign(console, saved);
  }
}

export async function connect({ sdk, resty }, { emu, onEvent, shards: shardCount }) {
  const base = emu.apiBase;
  resty.useReq((cfg) => {
    cfg.url = cfg.url.replace(/^https:\/\/(sandbox\.)?api\.sgroup\.qq\.com/, base);
    return cfg;
  });
  sdk.IntentEvents.GROUP_AND_C2C_EVENT = 1 << 25;
  const total = shardCount ?? 1;
  let readyCount = 0;
  let resolveReady;
  const ready = new Promise((resolve) => (resolveReady = resolve));
  const clients = [];
  for (let shardId = 0; shardId < total; shardId++) {
    const config = {
      appID: emu.appId,
      token: 'legacy-bot-token',
      sandbox: false,
      intents: ['GROUP_AND_C2C_EVENT'],
      maxRetry: 10,
      ...(total > 1 ? { shards: [shardId, total] } : {}),
    };
    const ws = sdk.createWebsocket(config);
    let isReady = false;
    ws.on('READY', () => {
      if (isReady) return;
      isReady = true;
      if (++readyCount === total) resolveReady();
    });
    ws.on('undefined', ({ msg }) => onEvent(msg));
    ws.on('ERROR', () => {});
    ws.on('DEAD', () => {});
    clients.push(ws);
  }
  return { ready, connected: () => readyCount, stop: () => {} };
}
