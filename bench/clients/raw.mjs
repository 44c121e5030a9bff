/**
 * The raw baseline: a plain `ws` client that fetches a token and the gateway URL, identifies, heartbeats and
 * JSON.parses each frame, nothing more. For the recovery scenario it reconnects at once and resumes from the last
 * seq (the least any client must do); it never backs off and never deduplicates.
 */
export const label = 'raw ws';

export async function load() {
  return import('ws');
}

const C2C_INTENT = 1 << 25; // GROUP_AND_C2C_EVENT

export async function connect({ WebSocket }, { emu, onEvent, shards: shardCount }) {
  const tokenResponse = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId: emu.appId, clientSecret: emu.secret }),
  });
  const { access_token: token } = await tokenResponse.json();
  const gateway = await (await fetch(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token}` } })).json();
  const total = shardCount ?? gateway.shards ?? 1;
  let readyCount = 0;
  let resolveReady;
  const ready = new Promise((resolve) => (resolveReady = resolve));
  const shards = [];

  for (let shardId = 0; shardId < total; shardId++) {
    const shard = { sessionId: null, seq: 0, ready: false, timer: null, reconnects: 0 };
    shards.push(shard);
    const open = () => {
      const ws = new WebSocket(gateway.url, { perMessageDeflate: false });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        switch (frame.op) {
          case 0:
            if (frame.s) shard.seq = frame.s;
            if (frame.t === 'READY') {
              shard.sessionId = frame.d.session_id;
              if (!shard.ready) {
                shard.ready = true;
                if (++readyCount === total) resolveReady();
              }
            } else if (frame.t !== 'RESUMED') {
              onEvent(frame.d, frame.id);
            }
            return;
          case 10: {
            const interval = frame.d.heartbeat_interval;
            clearInterval(shard.timer);
            shard.timer = setInterval(() => ws.send(JSON.stringify({ op: 1, d: shard.seq || null })), interval);
            if (shard.sessionId) ws.send(JSON.stringify({ op: 6, d: { token: `QQBot ${token}`, session_id: shard.sessionId, seq: shard.seq } }));
            else ws.send(JSON.stringify({ op: 2, d: { token: `QQBot ${token}`, intents: C2C_INTENT, shard: [shardId, total] } }));
            return;
          }
          default:
            return;
        }
      });
      ws.on('close', () => {
        clearInterval(shard.timer);
        if (!shard.stopped) {
          shard.reconnects += 1;
          open();
        }
      });
      ws.on('error', () => {});
      shard.ws = ws;
    };
    open();
  }

  return {
    ready,
    connected: () => readyCount,
    describe: () => ({ reconnects: shards.reduce((sum, s) => sum + s.reconnects, 0) }),
    stop: () => {
      for (const shard of shards) {
        shard.stopped = true;
        clearInterval(shard.timer);
        shard.ws.close(1000);
      }
    },
  };
}
