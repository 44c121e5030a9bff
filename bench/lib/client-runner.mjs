/**
 * One benchmark client process: `node --expose-gc client-runner.mjs <adapter> <scenario> '<json params>'`.
 * The adapter (bench/clients/<name>.mjs) connects one library to the emulator and calls `onEvent(d)` from the
 * library's own subscriber/handler; everything else (counting, timing, memory) is here, identical for all clients.
 *
 * Every handler does the same work per event: read `d.bench_n` (the event's index, 1:1 with its envelope id), mark
 * it per index (so an event delivered twice counts once, and the second delivery as a duplicate), and, in the
 * latency scenario, read the clock. Reports go to the parent over IPC.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const [adapterName, scenario, paramsJson] = process.argv.slice(2);
const params = JSON.parse(paramsJson ?? '{}');
const nowNs = () => Number(process.hrtime.bigint());
const send = (message) => process.send?.(message);
const memory = () => {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
};
async function collectGarbage() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    global.gc();
    await sleep(20);
  }
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message.cmd === 'poll') send({ type: 'progress', unique, deliveries, duplicates });
  if (message.cmd === 'exit') process.exit(0);
});
const fail = (error) => {
  send({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  setTimeout(() => process.exit(1), 50);
};

// ---- per-event accounting ---------------------------------------------------------------------------------

const capacity = params.capacity ?? 1;
const seen = new Uint8Array(capacity);
let unique = 0;
let deliveries = 0;
let duplicates = 0;
let firstRecvNs = 0;
let lastRecvNs = 0;
let target = Infinity;
let onTarget = () => {};
// Latency: one slot per event index; 0 = not received.
const latencyFrom = params.warmup ?? 0;
const latencies = scenario === 'latency' || scenario === 'shardPair' ? new Float64Array(capacity) : null;
// Recovery, shard pair: first-arrival time per event index.
const arrivals = scenario === 'recovery' || scenario === 'shardPair' ? new Float64Array(capacity) : null;

function onEvent(d) {
  const n = d.bench_n;
  deliveries += 1;
  if (seen[n] !== 0) {
    duplicates += 1;
    if (seen[n] < 255) seen[n] += 1; // deliveries of this index, for per-shard duplicate counts
    return;
  }
  seen[n] = 1;
  unique += 1;
  if (latencies !== null || arrivals !== null) {
    const now = nowNs();
    if (latencies !== null && n >= latencyFrom) latencies[n] = now - d.bench_t;
    if (arrivals !== null) arrivals[n] = now;
  }
  if (unique === 1) firstRecvNs = nowNs();
  if (unique === target) {
    lastRecvNs = nowNs();
    onTarget();
  }
}

const untilTarget = (count) =>
  new Promise((resolve) => {
    if (unique >= count) return resolve();
    target = count;
    onTarget = resolve;
  });

const waitMessage = (cmd) =>
  new Promise((resolve) => {
    const listener = (message) => {
      if (message.cmd === cmd) {
        process.off('message', listener);
        resolve(message);
      }
    };
    process.on('message', listener);
  });

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

// ---- scenarios ----------------------------------------------------------------------------------------------

async function main() {
  const adapter = await import(`../clients/${adapterName}.mjs`);
  const emu = params.emu;

  if (scenario === 'start') {
    const importStart = nowNs();
    const lib = await adapter.load();
    const importNs = nowNs() - importStart;
    const startNs = nowNs();
    const client = await adapter.connect(lib, { emu, onEvent });
    await client.ready;
    const readyNs = nowNs();
    send({ type: 'result', importMs: importNs / 1e6, startMs: (readyNs - startNs) / 1e6 });
    return;
  }

  const lib = await adapter.load();

  if (scenario === 'manyShards') {
    // Connect time, memory and (on the emulator's side) heartbeats of many idle shards in this one process.
    await collectGarbage();
    const before = memory();
    // CPU time (user + system) beside wall time: on a shared machine it says whether a slow connect or late
    // heartbeats were this process's own work or waiting for a core.
    const cpuMs = (usage) => (usage.user + usage.system) / 1000;
    const startNs = nowNs();
    const startCpu = process.cpuUsage();
    const client = await adapter.connect(lib, { emu, onEvent, shards: params.shards });
    const timedOut = await Promise.race([client.ready.then(() => false), sleep(params.readyTimeoutMs).then(() => true)]);
    const readyNs = nowNs();
    const connectCpuMs = cpuMs(process.cpuUsage(startCpu));
    send({ type: 'ready', readyNs, connectMs: (readyNs - startNs) / 1e6, connected: client.connected?.() ?? null, timedOut });
    const idleCpu = process.cpuUsage();
    const idleStartNs = nowNs();
    await sleep(params.settleMs);
    const idleCpuPercent = (cpuMs(process.cpuUsage(idleCpu)) / ((nowNs() - idleStartNs) / 1e6)) * 100;
    await collectGarbage();
    const after = memory();
    send({ type: 'result', shards: params.shards, connectMs: (readyNs - startNs) / 1e6, connectCpuMs, idleCpuPercent, connected: client.connected?.() ?? null, timedOut, before, after });
    return;
  }

  if (scenario === 'shardPair') {
    // Shard k's events are indices [k·perShard, (k+1)·perShard): the first `warmup` of each, then the measured ones.
    const { shards, perShard, warmup } = params;
    const client = await adapter.connect(lib, { emu, onEvent, shards });
    await client.ready;
    send({ type: 'ready', connected: client.connected?.() ?? null });
    await untilTarget(shards * warmup);
    send({ type: 'checkpoint', events: unique });
    await waitMessage('collect');
    const perShardResults = [];
    for (let k = 0; k < shards; k++) {
      const from = k * perShard + warmup;
      const to = (k + 1) * perShard;
      let received = 0;
      let dups = 0;
      let firstNs = Infinity;
      let lastNs = 0;
      const values = [];
      for (let n = from; n < to; n++) {
        if (seen[n] === 0) continue;
        received += 1;
        dups += seen[n] - 1;
        firstNs = Math.min(firstNs, arrivals[n]);
        lastNs = Math.max(lastNs, arrivals[n]);
        values.push(latencies[n] / 1e6);
      }
      values.sort((a, b) => a - b);
      perShardResults.push({ received, duplicates: dups, firstNs: received ? firstNs : null, lastNs: received ? lastNs : null, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.at(-1) ?? null });
    }
    send({ type: 'result', unique, duplicates, deliveries, shards: perShardResults });
    return;
  }

  if (scenario === 'shards') {
    await collectGarbage();
    const before = memory();
    const client = await adapter.connect(lib, { emu, onEvent, shards: params.shards });
    await client.ready;
    await sleep(params.settleMs ?? 2000);
    await collectGarbage();
    const after = memory();
    send({ type: 'result', shards: params.shards, connected: client.connected?.() ?? null, before, after });
    return;
  }

  const client = await adapter.connect(lib, { emu, onEvent });
  await client.ready;

  if (scenario === 'throughput') {
    // A warm-up burst first (not measured), then the measured one.
    send({ type: 'ready' });
    await untilTarget(params.warmup);
    send({ type: 'checkpoint', events: unique });
    // CPU time of the whole process (main thread, JIT and GC threads) over the measured burst: unlike the wall
    // clock, it barely moves when another process takes the other core.
    const cpuBefore = process.cpuUsage();
    await untilTarget(params.count);
    const cpu = process.cpuUsage(cpuBefore);
    send({ type: 'result', unique, duplicates, deliveries, firstRecvNs, lastRecvNs, cpuUs: cpu.user + cpu.system });
    return;
  }

  if (scenario === 'latency') {
    send({ type: 'ready' });
    await untilTarget(params.count);
    const values = [];
    for (let n = latencyFrom; n < params.count; n++) if (seen[n] !== 0) values.push(latencies[n] / 1e6);
    values.sort((a, b) => a - b);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    send({
      type: 'result',
      unique,
      duplicates,
      samples: values.length,
      p50: percentile(values, 0.5),
      p90: percentile(values, 0.9),
      p99: percentile(values, 0.99),
      p999: percentile(values, 0.999),
      max: values[values.length - 1],
      mean,
    });
    return;
  }

  if (scenario === 'heap') {
    // Checkpoints: the parent bursts up to each; at each one the client settles, collects garbage and measures.
    send({ type: 'ready' });
    const samples = [];
    for (const checkpoint of params.checkpoints) {
      await untilTarget(checkpoint);
      await sleep(100);
      await collectGarbage();
      samples.push({ events: unique, ...memory() });
      send({ type: 'checkpoint', events: unique });
    }
    send({ type: 'result', unique, duplicates, samples });
    return;
  }

  if (scenario === 'burst') {
    send({ type: 'ready' });
    const { total } = await waitMessage('collect');
    let missing = 0;
    for (let n = 0; n < total; n++) if (seen[n] === 0) missing += 1;
    send({ type: 'result', unique, duplicates, deliveries, missing, extra: client.describe?.() ?? null });
    return;
  }

  if (scenario === 'recovery') {
    send({ type: 'ready' });
    const { dropNs, total } = await waitMessage('collect');
    let firstReplayNs = null;
    let firstReplayN = null;
    for (let n = 0; n < total; n++) {
      const at = arrivals[n];
      if (at > dropNs && (firstReplayNs === null || at < firstReplayNs)) {
        firstReplayNs = at;
        firstReplayN = n;
      }
    }
    let missing = 0;
    for (let n = 0; n < total; n++) if (seen[n] === 0) missing += 1;
    send({ type: 'result', unique, duplicates, deliveries, missing, firstReplayNs, firstReplayN, extra: client.describe?.() ?? null });
    return;
  }

  throw new Error(`unknown scenario ${scenario}`);
}

main().catch(fail);
