/**
 * `node bench/start-timeline.mjs [--client ours] [--runs 3]`: where a cold start() → READY spends its time. Each run
 * is a fresh client process against a fresh bench emulator (as the `start` scenario); the child marks each HTTP
 * request and response (`node:diagnostics_channel`), the `ws` package's events and sends (its prototype, so a client
 * that brings its own copy of `ws`, such as qq-guild-bot, shows only its HTTP), and prints every mark with the wall and
 * CPU time since the previous one. Adapters are bench/clients/*.mjs (bench/notes.md, issue 20, fourth round).
 */
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    client: { type: 'string', default: 'ours' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});

if (values.child) {
  const { emu, client } = JSON.parse(values.child);
  const marks = [];
  const mark = (what) => marks.push({ what, at: performance.now(), cpu: process.cpuUsage() });
  dc.subscribe('http.client.request.start', ({ request }) => mark(`HTTP request ${request.method} ${request.path}`));
  dc.subscribe('http.client.response.finish', ({ request }) => mark(`HTTP response ${request.path}`));
  const { WebSocket } = createRequire(import.meta.url)('ws');
  const { emit, send } = WebSocket.prototype;
  WebSocket.prototype.emit = function (event, ...args) {
    if (event === 'message') {
      const op = /"op":(\d+)/.exec(String(args[0]))?.[1];
      const t = /"t":"([A-Z_]+)"/.exec(String(args[0]))?.[1];
      mark(`ws frame in: op ${op}${t ? ` ${t}` : ''}`);
    } else if (event !== 'ping' && event !== 'pong') mark(`ws ${event}`);
    return emit.call(this, event, ...args);
  };
  WebSocket.prototype.send = function (data, ...args) {
    mark(`ws frame out: op ${/"op":(\d+)/.exec(String(data))?.[1]}`);
    return send.call(this, data, ...args);
  };
  const adapter = await import(`./clients/${client}.mjs`);
  mark('adapter module loaded');
  const lib = await adapter.load();
  mark('library imported');
  const connection = await adapter.connect(lib, { emu, onEvent() {} });
  mark('connect() returned');
  await connection.ready;
  mark('READY');
  process.send(marks.map((m) => ({ what: m.what, at: m.at, cpuMs: (m.cpu.user + m.cpu.system) / 1000 })));
  await new Promise((resolve) => process.once('message', resolve));
  process.exit(0);
}

const { forkForOneMessage, startHost } = await import('./lib/procs.mjs');
const { APP_ID, SECRET } = await import('./lib/scenarios.mjs');
const totals = [];
for (let run = 0; run < Number(values.runs); run++) {
  const host = await startHost({ appId: APP_ID, secret: SECRET, acceptLegacyToken: values.client === 'qq-guild-bot' });
  try {
    const emu = { ...host.info, appId: APP_ID, secret: SECRET };
    const marks = await forkForOneMessage(fileURLToPath(import.meta.url), ['--child', JSON.stringify({ emu, client: values.client })], []);
    const from = marks.findIndex((m) => m.what === 'library imported');
    console.log(`${values.client}, run ${run + 1}: wall ms / client CPU ms since the previous mark`);
    for (let i = from + 1; i < marks.length; i++) {
      const wall = marks[i].at - marks[i - 1].at;
      const cpu = marks[i].cpuMs - marks[i - 1].cpuMs;
      console.log(`  ${wall.toFixed(1).padStart(6)} ${cpu.toFixed(1).padStart(6)}  ${marks[i].what}`);
    }
    const total = marks.at(-1).at - marks[from].at;
    totals.push(total);
    console.log(`  ${total.toFixed(1).padStart(6)} ${(marks.at(-1).cpuMs - marks[from].cpuMs).toFixed(1).padStart(6)}  library imported → READY\n`);
  } finally {
    await host.close();
  }
}
totals.sort((a, b) => a - b);
console.log(`${values.client}: library imported → READY, median of ${totals.length}: ${totals[Math.floor(totals.length / 2)].toFixed(1)} ms`);
