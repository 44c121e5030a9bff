/**
 * The floor of this project's shape, for the benchmark's start and idle-shard rows (bench/notes.md, issue 20, fourth
 * round): the raw client's protocol work (token and `/gateway/bot` over `node:http` as ours does, a `ws` socket,
 * Hello → Identify → READY, heartbeats) with the least XState any "every shard is a machine" design holds — one root
 * actor for the process that spawns one machine per shard, the heartbeat a named `after` delay. Nothing else: no
 * resume, no reconnect, no dedupe, no validation, no state stream, no logging.
 *
 * `actorsPerShard` 1: the shard machine opens its socket in an entry action and the socket's handlers send to it.
 * `actorsPerShard` 2: the shard machine invokes the socket as a `fromCallback` actor, as machines/shard.machine.ts does.
 */
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const C2C_INTENT = 1 << 25; // GROUP_AND_C2C_EVENT

function requestJson(url, options, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function floorClient(actorsPerShard) {
  async function load() {
    return { WebSocket: (await import('ws')).WebSocket, xstate: require('xstate') };
  }

  async function connect({ WebSocket, xstate }, { emu, onEvent, shards: shardCount }) {
    const { setup, createActor, fromCallback, assign, sendTo, spawnChild } = xstate;
    const { access_token: token } = await requestJson(
      emu.tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      JSON.stringify({ appId: emu.appId, clientSecret: emu.secret }),
    );
    const gateway = await requestJson(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token}` } });
    const total = shardCount ?? gateway.shards ?? 1;
    let readyCount = 0;
    let resolveReady;
    const ready = new Promise((resolve) => (resolveReady = resolve));

    /** The socket of one shard; its frames become `sendBack` events, `beat()` sends a heartbeat. */
    function openSocket(shardId, sendBack) {
      const ws = new WebSocket(gateway.url, { perMessageDeflate: false });
      let seq = 0;
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.op === 0) {
          if (frame.s) seq = frame.s;
          if (frame.t === 'READY') sendBack({ type: 'READY' });
          else onEvent(frame.d, frame.id);
        } else if (frame.op === 10) {
          sendBack({ type: 'HELLO', intervalMs: frame.d.heartbeat_interval });
          ws.send(JSON.stringify({ op: 2, d: { token: `QQBot ${token}`, intents: C2C_INTENT, shard: [shardId, total] } }));
        }
      });
      ws.on('error', () => {});
      return { close: () => ws.close(1000), beat: () => ws.send(JSON.stringify({ op: 1, d: seq || null })) };
    }

    const shardMachine = setup({
      actors: {
        socket: fromCallback(({ input, sendBack, receive }) => {
          const socket = openSocket(input.shardId, sendBack);
          receive(() => socket.beat());
          return () => socket.close();
        }),
      },
      actions: {
        beat:
          actorsPerShard === 2 ? sendTo('socket', { type: 'BEAT' }) : ({ context }) => context.socket.beat(),
        countReady: () => {
          if (++readyCount === total) resolveReady();
        },
      },
      delays: { HEARTBEAT_INTERVAL: ({ context }) => context.intervalMs },
    }).createMachine({
      context: ({ input }) => ({ shardId: input.shardId, intervalMs: 45_000, socket: null }),
      ...(actorsPerShard === 2
        ? { invoke: { id: 'socket', src: 'socket', input: ({ context }) => ({ shardId: context.shardId }) } }
        : { entry: assign({ socket: ({ context, self }) => openSocket(context.shardId, (event) => self.send(event)) }) }),
      initial: 'awaitingHello',
      states: {
        awaitingHello: { on: { HELLO: { target: 'identifying', actions: assign({ intervalMs: ({ event }) => event.intervalMs }) } } },
        identifying: { on: { READY: { target: 'ready', actions: 'countReady' } } },
        ready: { after: { HEARTBEAT_INTERVAL: { target: 'ready', reenter: true, actions: 'beat' } } },
      },
    });

    const processMachine = setup({ actors: { shard: shardMachine } }).createMachine({
      entry: Array.from({ length: total }, (_, shardId) => spawnChild('shard', { id: `shard-${shardId}`, input: { shardId } })),
    });
    const root = createActor(processMachine);
    root.start();
    return { ready, connected: () => readyCount, stop: () => root.stop() };
  }

  return { load, connect };
}
