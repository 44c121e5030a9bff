/**
 * `npm run bench` (= `npm run build && node bench/run.mjs`): every scenario, for every client, several runs, each
 * client in its own process against the emulator in another. Writes docs/benchmarks.md and docs/benchmarks.json.
 *
 *   node bench/run.mjs [--quick] [--runs N] [--only throughput,latency] [--clients raw,ours] [--out DIR]
 *   node bench/run.mjs --render [--out DIR]     rewrites benchmarks.md from benchmarks.json (e.g. after editing notes.md)
 *   node bench/run.mjs --only burst --merge [--note TEXT]
 *                                               runs some scenarios and merges them into the existing benchmarks.json
 *                                               (the other scenarios' runs are kept; the page says when and how the
 *                                               merged ones were measured, with TEXT)
 *
 * --quick shrinks every size (a smoke test of the harness, ~3 min); its numbers are not the published ones.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as scenarios from './lib/scenarios.mjs';
import { renderReport, summarize } from './lib/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    clients: { type: 'string' },
    out: { type: 'string' },
    render: { type: 'boolean', default: false },
    merge: { type: 'boolean', default: false },
    note: { type: 'string' },
  },
});

export const CLIENTS = ['raw', 'ours', 'qq-official-bot', 'qq-guild-bot'];
const LABELS = {
  raw: 'raw ws (baseline)',
  ours: 'qq-bot-machine',
  'ours-fast-reconnect': 'qq-bot-machine, RECONNECT_BACKOFF 0',
  'ours-inspected': 'qq-bot-machine + inspector page',
  'xstate-floor-1': 'XState floor: raw + 1 actor per shard',
  'xstate-floor-2': 'XState floor: raw + machine and socket actor per shard',
  'qq-official-bot': 'qq-official-bot 1.0.13',
  'qq-guild-bot': 'qq-guild-bot 2.9.5',
};

// The XState floors (bench/lib/xstate-floor.mjs) run beside ours in the start and memory rows, where the target is
// "below every peer" and ours is not, and at 1,000 idle shards, where one-time costs no longer blur the per-shard cost.
const FLOORS = ['xstate-floor-1', 'xstate-floor-2'];
const FULL = {
  start: { runs: 5, extraClients: FLOORS },
  throughput: { runs: 5, warmup: 10_000, count: 200_000, timeoutMs: 300_000, paired: true, extraClients: ['ours-inspected'] },
  latency: { runs: 5, rate: 5_000, warmup: 5_000, count: 40_000, paired: true },
  shards: { runs: 3, count: 100, small: 10, settleMs: 1_000, extraClients: FLOORS },
  heap: { runs: 3, warmup: 50_000, count: 1_000_000, segments: 4, timeoutMs: 300_000 },
  recovery: { runs: 3, rate: 1_000, count: 6_000, dropAtMs: 2_500, quietMs: 1_500, maxWaitMs: 20_000, extraClients: ['ours-fast-reconnect'] },
  burst: { runs: 3, rate: 1_000, drops: 10, gapMs: 1_000, firstDropAtMs: 1_500, tailMs: 1_500, heartbeatInterval: 300, quietMs: 1_500, maxWaitMs: 10_000 },
  shardPair: { runs: 2, shards: 2, rate: 100_000, warmup: 20_000, count: 300_000, quietMs: 2_000, maxWaitMs: 60_000 },
  manyShards: { runs: 2, count: 1_000, heartbeatInterval: 2_000, settleMs: 10_000, readyTimeoutMs: 60_000, extraClients: FLOORS },
};
const QUICK = {
  start: { runs: 2, extraClients: FLOORS },
  throughput: { runs: 2, warmup: 2_000, count: 20_000, timeoutMs: 120_000, paired: true, extraClients: ['ours-inspected'] },
  latency: { runs: 2, rate: 5_000, warmup: 1_000, count: 5_000, paired: true },
  shards: { runs: 1, count: 20, small: 5, settleMs: 500, extraClients: FLOORS },
  heap: { runs: 1, warmup: 10_000, count: 50_000, segments: 2, timeoutMs: 120_000 },
  recovery: { runs: 1, rate: 1_000, count: 3_000, dropAtMs: 1_200, quietMs: 2_000, maxWaitMs: 10_000, extraClients: ['ours-fast-reconnect'] },
  burst: { runs: 1, rate: 500, drops: 10, gapMs: 1_000, firstDropAtMs: 1_000, tailMs: 1_000, heartbeatInterval: 300, quietMs: 2_000, maxWaitMs: 10_000 },
  shardPair: { runs: 1, shards: 2, rate: 100_000, warmup: 5_000, count: 30_000, quietMs: 2_000, maxWaitMs: 30_000 },
  manyShards: { runs: 1, count: 100, heartbeatInterval: 1_000, settleMs: 3_000, readyTimeoutMs: 30_000, extraClients: FLOORS },
};
const ORDER = ['start', 'throughput', 'latency', 'shards', 'heap', 'recovery', 'burst', 'shardPair', 'manyShards'];

const sizes = structuredClone(values.quick ? QUICK : FULL);
if (values.runs) for (const s of Object.values(sizes)) s.runs = Number(values.runs);
const only = values.only ? values.only.split(',') : ORDER;
const clients = values.clients ? values.clients.split(',') : CLIENTS;
const outDir = values.out ?? `${root}docs`;

/** Where the adapters load a peer from: bench/peers, or the project's devDependencies (Node's resolution from bench/peers). */
const peerRequire = createRequire(new URL('peers/package.json', import.meta.url));
function peerPackageJson(name) {
  try {
    return peerRequire.resolve(`${name}/package.json`);
  } catch {
    return null;
  }
}

function ensurePeers() {
  const peers = `${root}bench/peers`;
  const installed = ['qq-official-bot', 'qq-guild-bot'].every((name) => peerPackageJson(name) !== null);
  if (installed) return;
  console.log('installing the peer SDKs into bench/peers (npm install --prefix bench/peers) …');
  execFileSync('npm', ['install', '--prefix', peers, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

function environment() {
  const cpus = os.cpus();
  let peers = {};
  for (const name of ['qq-official-bot', 'qq-guild-bot']) {
    try {
      peers[name] = JSON.parse(readFileSync(peerPackageJson(name), 'utf8')).version;
    } catch {
      peers[name] = null;
    }
  }
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
    } catch {
      return null;
    }
  };
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root }).toString().trim() !== '';
    if (dirty) commit += ' + uncommitted changes';
  } catch {}
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    commit,
    versions: { 'qq-bot-machine': JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version, ws: pkg('ws'), xstate: pkg('xstate'), rxjs: pkg('rxjs'), ...peers },
  };
}

const pad = (s, n) => String(s).padEnd(n);
function brief(scenario, r) {
  if (r.error) return `ERROR ${r.error.split('\n')[0]}`;
  switch (scenario) {
    case 'start':
      return `start→READY ${r.startMs.toFixed(0)} ms, import ${r.importMs.toFixed(0)} ms`;
    case 'throughput':
      return `${Math.round(r.eventsPerSec)} events/s (${r.received} events, ${r.duplicates} dup)`;
    case 'latency':
      return `p50 ${r.p50Ms.toFixed(3)} p99 ${r.p99Ms.toFixed(3)} max ${r.maxMs.toFixed(1)} ms`;
    case 'shards':
      return `${r.heapPerShardKB.toFixed(1)} KB heap, ${r.rssPerShardKB.toFixed(0)} KB RSS per shard (${r.connected}/${r.shards} ready)`;
    case 'heap':
      return `${r.heapGrowthPerMillionMB.toFixed(2)} MB/1M events [${r.heapUsedMB.join(', ')}]`;
    case 'recovery':
      return `${r.back} after ${r.resumedMs?.toFixed(0)} ms, first event ${r.firstEventAfterDropMs?.toFixed(0)} ms, lost ${r.lost}, dup ${r.duplicates}`;
    case 'burst':
      return `${r.back.join('/')} ${r.recovered}/${r.drops} cuts, median ${r.burstMedianMs?.toFixed(0)} ms, slowest ${r.burstMaxMs?.toFixed(0) ?? '—'} ms [${r.dropTimesMs.join(', ')}], lost ${r.lost}, dup ${r.duplicates}`;
    case 'shardPair':
      return `${r.shards}×${r.targetRatePerShard / 1000}k/s: sent ${Math.round(r.sendRate)}/s, received ${Math.round(r.receiveRate)}/s, lost ${r.lost}, dup ${r.duplicates}, p50 ${r.p50Ms?.toFixed(2)} p99 ${r.p99Ms?.toFixed(2)} ms, lag ${r.lagMs?.toFixed(0)} ms, limited by ${r.limitedBy}`;
    case 'manyShards':
      return `${r.connected}/${r.shards} ready in ${r.connectMs?.toFixed(0) ?? 'timeout'} ms, heap ${r.heapMB.toFixed(1)} MB (${r.heapPerShardKB.toFixed(1)} KB/shard), RSS ${r.rssMB.toFixed(0)} MB (${r.rssPerShardKB.toFixed(0)} KB/shard), heartbeat jitter p50 ${r.jitterP50Ms?.toFixed(2)} p99 ${r.jitterP99Ms?.toFixed(2)} max ${r.jitterMaxMs?.toFixed(1)} ms (${r.heartbeatIntervals} intervals)`;
    default:
      return JSON.stringify(r);
  }
}

async function main() {
  // only a run that drives the peer SDKs needs them installed
  if (clients.some((c) => c.startsWith('qq-'))) ensurePeers();
  const started = Date.now();
  const env = environment();
  const records = [];
  const load = [];
  const maxRuns = Math.max(...only.map((s) => sizes[s].runs));
  console.log(`qq-bot-machine benchmark: ${only.join(', ')} × ${clients.join(', ')}, ${values.quick ? 'QUICK sizes' : 'full sizes'}`);
  for (let run = 0; run < maxRuns; run++) {
    for (const scenario of ORDER) {
      if (!only.includes(scenario) || run >= sizes[scenario].runs) continue;
      // Rotate the client order every run, so no client always runs first (or right after another).
      const list = [...clients, ...(sizes[scenario].extraClients ?? []).filter(() => clients.includes('ours'))];
      const rotated = list.map((_, i) => list[(i + run) % list.length]);
      load.push({ run, scenario, loadavg: os.loadavg().map((v) => +v.toFixed(2)), at: new Date().toISOString() });
      // Throughput and latency are the noisiest: there, raw runs right before every other client, and each client's
      // ratio is taken against that raw measurement (pairedWith), not one taken minutes earlier.
      const paired = sizes[scenario].paired === true && clients.includes('raw');
      const sequence = paired ? rotated.filter((c) => c !== 'raw').flatMap((c) => [['raw', c], [c, null]]) : rotated.map((c) => [c, null]);
      for (const [client, pairedWith] of sequence) {
        const t0 = Date.now();
        let result;
        try {
          result = await scenarios[scenario](client, sizes);
        } catch (error) {
          result = { error: error instanceof Error ? error.message : String(error) };
        }
        records.push({ run, scenario, client, ...(pairedWith ? { pairedWith } : {}), ...result });
        const tag = pairedWith ? `${client} (before ${pairedWith})` : client;
        console.log(`  run ${run + 1} ${pad(scenario, 10)} ${pad(tag, 28)} ${brief(scenario, result)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }
  }
  load.push({ run: null, scenario: 'end', loadavg: os.loadavg().map((v) => +v.toFixed(2)), at: new Date().toISOString() });

  const fresh = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    quick: values.quick,
    environment: env,
    sizes,
    loadavg: load,
    runs: records,
  };
  const merged = values.merge ? mergeInto(JSON.parse(readFileSync(`${outDir}/benchmarks.json`, 'utf8')), fresh) : fresh;
  const result = {
    ...merged,
    clients: Object.fromEntries([...new Set(merged.runs.map((r) => r.client))].map((c) => [c, LABELS[c] ?? c])),
    summary: summarize(merged.runs, merged.sizes),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/benchmarks.json`, `${JSON.stringify(result, null, 2)}\n`);
  const notesFile = `${root}bench/notes.md`;
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(`${outDir}/benchmarks.md`, renderReport(result, LABELS, notes));
  console.log(`\nwrote ${outDir}/benchmarks.md and ${outDir}/benchmarks.json (${fresh.durationSeconds} s)`);
}

/**
 * The scenarios of `fresh` replace theirs in `previous`; everything else (the main run's date, sizes, load, the
 * other scenarios' runs) is kept, and `partial[scenario]` says when and how each merged scenario was measured.
 */
function mergeInto(previous, fresh) {
  const rerun = new Set(fresh.runs.map((r) => r.scenario));
  const partial = { ...(previous.partial ?? {}) };
  for (const scenario of rerun) {
    partial[scenario] = {
      measuredAt: fresh.generatedAt,
      durationSeconds: fresh.durationSeconds,
      quick: fresh.quick,
      commit: fresh.environment.commit,
      loadavg: fresh.loadavg,
      ...(values.note ? { note: values.note } : {}),
    };
  }
  return {
    ...previous,
    sizes: { ...previous.sizes, ...Object.fromEntries([...rerun].map((s) => [s, fresh.sizes[s]])) },
    partial,
    runs: [...previous.runs.filter((r) => !rerun.has(r.scenario)), ...fresh.runs],
  };
}

function render() {
  const result = JSON.parse(readFileSync(`${outDir}/benchmarks.json`, 'utf8'));
  const notesFile = `${root}bench/notes.md`;
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(`${outDir}/benchmarks.md`, renderReport(result, LABELS, notes));
  console.log(`rewrote ${outDir}/benchmarks.md from ${outDir}/benchmarks.json`);
}

if (values.render) render();
else await main();
