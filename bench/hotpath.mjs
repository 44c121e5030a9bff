/**
 * `node bench/hotpath.mjs <raw|ours> [--count N]`: the dispatch hot path of one client, in one thread, with no
 * sockets and no timers, so `valgrind --tool=callgrind --smc-check=all node bench/hotpath.mjs ours` counts the
 * same instructions whatever else the machine is doing (the throughput scenario's wall clock does not).
 *
 * Both clients get the same bytes: `count` server-to-client WebSocket text frames carrying the emulator's C2C
 * dispatch (bench/lib/emulator-host.mjs's shape, 55-char event ids), fed in 64 KiB reads to a `ws` Receiver, as a
 * socket would. raw = what bench/clients/raw.mjs does per frame; ours = the library's own receive path, built from
 * the same modules the bot wires together (gateway socket options, decodeFrame, the shard's DispatchSequencer gate,
 * DeliveredEvent, the EventRouter → bot.on()'s subscriber). Per-frame cost = (instructions at 2N − at N) / N.
 * `--ws-utf8` runs ours with `ws`'s UTF-8 check and `toString()` instead of the socket's own `frameText`.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string', default: '100000' }, 'ws-utf8': { type: 'boolean', default: false } } });
const client = positionals[0] ?? 'ours';
const count = Number(values.count);
const require = createRequire(import.meta.url);
const { Receiver } = require('ws');

const TYPE = 'C2C_MESSAGE_CREATE';
const openid = 'E4F4AEA33253A2797FB897C50B81D7ED';
const content = 'bench message: the quick brown fox jumps over the lazy dog 0123456789';
const author = JSON.stringify({ id: openid, user_openid: openid, union_openid: openid });
const frameText = (n) =>
  `{"op":0,"s":${n + 1},"t":"${TYPE}","id":"${TYPE}:0b6f0a52-1a2b-4c3d-8e9f-${n.toString(16).padStart(12, '0')}",` +
  `"d":{"id":"ROBOT1.0_kd3LpXmTfW0aHc5WbT8yZq2v${String(n).padStart(16, '0')}!","content":${JSON.stringify(content)},` +
  `"timestamp":"2026-12-02T12:00:00+08:00","author":${author},"message_scene":{"source":"default","callback_data":""},` +
  `"message_type":0,"bench_n":${n},"bench_t":0}}`;

/** FIN + text opcode, unmasked (server to client), 16-bit or 64-bit length. */
function wsFrame(text) {
  const payload = Buffer.from(text);
  const header = payload.length < 65536 ? Buffer.from([0x81, 126, payload.length >> 8, payload.length & 255]) : null;
  if (!header) throw new Error('frame too large for this harness');
  return Buffer.concat([header, payload]);
}
const wire = Buffer.concat(Array.from({ length: count }, (_, n) => wsFrame(frameText(n))));

const seen = new Uint8Array(count);
let received = 0;
const onEvent = (d) => {
  if (seen[d.bench_n] === 0) received += 1;
  seen[d.bench_n] = 1;
};

async function oursHandler() {
  const { decodeFrame } = await import('../dist/src/io/frame-decoder.js');
  const { DispatchSequencer } = await import('../dist/machines/dispatch-sequencer.js');
  const { DeliveredEvent } = await import('../dist/src/events/bot-event.js');
  const { EventRouter } = await import('../dist/src/events/event-router.js');
  const { turnClock } = await import('../dist/src/events/turn-clock.js');
  const { IsolatedObservable } = await import('../dist/src/events/isolated.js');
  const { gatewayWebSocketOptions, frameText } = await import('../dist/src/io/gateway-socket.js');
  // bot.ts: events reach bot.on(type) through the EventRouter, behind an IsolatedObservable.
  const events = new EventRouter();
  const sink = (error) => {
    throw error;
  };
  new IsolatedObservable(events.stream([TYPE]), sink).subscribe((event) => onEvent(event.data));
  const sequencer = new DispatchSequencer();
  sequencer.startSession(0);
  const services = { api: null, now: Date.now, arrival: turnClock(Date.now) };
  sequencer.subscribe({ dispatch: (dispatch) => events.deliver(new DeliveredEvent(dispatch.eventType, dispatch.id, dispatch.seq, 0, dispatch.data, services)) });
  const gate = sequencer.gate();
  return {
    // --ws-utf8: the library's receive path before issue 20 (ws checks UTF-8, then toString() decodes), for comparison.
    receiverOptions: values['ws-utf8'] ? { maxPayload: 16 * 1024 * 1024 } : gatewayWebSocketOptions(),
    onMessage(data) {
      const text = values['ws-utf8'] ? data.toString() : frameText(data);
      if (text === null) throw new Error('invalid UTF-8');
      const event = decodeFrame(text, 0);
      if (event.type === 'GATEWAY.DISPATCH') gate.accept(event);
    },
  };
}

function rawHandler() {
  return {
    receiverOptions: {},
    onMessage(data) {
      const frame = JSON.parse(data.toString());
      if (frame.op === 0 && frame.t !== 'READY' && frame.t !== 'RESUMED') onEvent(frame.d, frame.id);
    },
  };
}

const handler = client === 'raw' ? rawHandler() : await oursHandler();
const receiver = new Receiver({ isServer: false, maxPayload: 16 * 1024 * 1024, ...handler.receiverOptions });
receiver.on('message', (data, isBinary) => {
  if (!isBinary) handler.onMessage(data);
});
receiver.on('error', (error) => {
  throw error;
});
const chunk = 64 * 1024;
const startedNs = process.hrtime.bigint();
for (let at = 0; at < wire.length; at += chunk) {
  await new Promise((resolve) => receiver.write(wire.subarray(at, at + chunk), resolve));
}
if (received !== count) throw new Error(`${client}: ${received} of ${count} events delivered`);
const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
console.log(`${client}: ${received} events delivered, ${Math.round(count / seconds)} events/s`);
