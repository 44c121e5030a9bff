/**
 * Where an idle shard's heap goes: `node bench/shard-heap.mjs [--client ours] [--small 10] [--count 100] [--settle MS] [--out DIR]`.
 * Runs the `shards` scenario's client (`bench/clients/<client>.mjs`, default ours) in a fresh child process per size against the bench
 * emulator, takes a heap snapshot after READY + settle (default 1 s, as the bench) + gc, and prints the difference per shard by node type and
 * constructor (self size), largest first. The snapshots stay in DIR for a closer look in DevTools.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { forkForOneMessage, startHost } from './lib/procs.mjs';
import { APP_ID, SECRET } from './lib/scenarios.mjs';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '10' },
    count: { type: 'string', default: '100' },
    out: { type: 'string', default: '/tmp' },
    top: { type: 'string', default: '40' },
    settle: { type: 'string', default: '1000' },
    client: { type: 'string', default: 'ours' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // Child: connect `n` shards, settle, gc, snapshot.
  const { emu, shards, file, settleMs, client: clientName } = JSON.parse(values.child);
  const { writeHeapSnapshot } = await import('node:v8');
  const adapter = await import(`./clients/${clientName}.mjs`);
  const lib = await adapter.load();
  const client = await adapter.connect(lib, { emu, onEvent: () => {}, shards });
  await client.ready;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (let i = 0; i < 3; i++) global.gc();
  const memory = process.memoryUsage();
  writeHeapSnapshot(file);
  process.send({ memory, connected: client.connected() });
  await new Promise((resolve) => process.once('message', resolve));
  process.exit(0);
}

async function snapshot(shards) {
  const host = await startHost({ appId: APP_ID, secret: SECRET, shards, maxConcurrency: shards });
  const emu = { ...host.info, appId: APP_ID, secret: SECRET };
  const file = `${values.out}/shards-${values.client}-${shards}.heapsnapshot`;
  const childArgs = ['--child', JSON.stringify({ emu, shards, file, settleMs: Number(values.settle), client: values.client })];
  const result = await forkForOneMessage(fileURLToPath(import.meta.url), childArgs, ['--expose-gc']);
  await host.close();
  return { file, ...result };
}

/** Self size and count per "type:name" of a .heapsnapshot. */
function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    let name = snap.strings[snap.nodes[i + nameAt]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (type === 'code' || type === 'hidden' || type === 'array' || type === 'object shape') name = name.slice(0, 40);
    const key = `${type}:${name.slice(0, 60)}`;
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + sizeAt];
    entry.count += 1;
    totals.set(key, entry);
  }
  return totals;
}

const small = Number(values.small);
const count = Number(values.count);
const few = await snapshot(small);
const many = await snapshot(count);
const per = count - small;
console.log(`heapUsed per shard ${((many.memory.heapUsed - few.memory.heapUsed) / per / 1024).toFixed(2)} KB, ` +
  `rss per shard ${((many.memory.rss - few.memory.rss) / per / 1024).toFixed(1)} KB (connected ${few.connected}, ${many.connected})`);
const a = summarize(few.file);
const b = summarize(many.file);
const rows = [];
for (const key of new Set([...a.keys(), ...b.keys()])) {
  const x = a.get(key) ?? { size: 0, count: 0 };
  const y = b.get(key) ?? { size: 0, count: 0 };
  rows.push({ key, bytes: (y.size - x.size) / per, count: (y.count - x.count) / per });
}
rows.sort((p, q) => Math.abs(q.bytes) - Math.abs(p.bytes));
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`snapshot self size per shard ${(total / 1024).toFixed(2)} KB`);
console.log('| bytes/shard | objects/shard | type:constructor |\n| ---: | ---: | --- |');
for (const row of rows.slice(0, Number(values.top))) console.log(`| ${row.bytes.toFixed(0)} | ${row.count.toFixed(2)} | ${row.key} |`);
