/** Medians, spreads and ratios to the raw baseline of the same run; and docs/benchmarks.md. */

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function stat(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length, values: v };
}

/** Per scenario: the metrics, whether lower is better, and which per-run comparison to raw they get. */
export const METRICS = {
  start: { startMs: { lower: true, vsRaw: 'ratio' }, importMs: { lower: true, vsRaw: 'ratio' } },
  throughput: { eventsPerSec: { lower: false, vsRaw: 'ratio' }, cpuUsPerEvent: { lower: true, vsRaw: 'ratio' } },
  latency: {
    p50Ms: { lower: true, vsRaw: 'added' },
    p99Ms: { lower: true, vsRaw: 'added' },
    maxMs: { lower: true, vsRaw: 'added' },
    meanMs: { lower: true, vsRaw: 'added' },
  },
  shards: {
    heapPerShardKB: { lower: true, vsRaw: 'ratio' },
    rssPerShardKB: { lower: true, vsRaw: 'ratio' },
    heapPerShardInclFixedKB: { lower: true },
    rssPerShardInclFixedKB: { lower: true },
  },
  // Growth within ±1 MB per million events is GC noise: such rows count as tied.
  heap: { heapGrowthPerMillionMB: { lower: true, vsRaw: 'added', tieWithin: 1 }, rssGrowthMB: { lower: true, vsRaw: 'added' } },
  recovery: {
    resumedMs: { lower: true, vsRaw: 'ratio' },
    firstEventAfterDropMs: { lower: true, vsRaw: 'ratio' },
    lost: { lower: true },
    duplicates: { lower: true },
    connections: { lower: true },
  },
  burst: {
    burstMedianMs: { lower: true, vsRaw: 'ratio' },
    burstMaxMs: { lower: true, vsRaw: 'ratio' },
    lost: { lower: true },
    duplicates: { lower: true },
    connections: { lower: true },
  },
  shardPair: {
    receiveRate: { lower: false, vsRaw: 'ratio' },
    sendRate: { lower: false },
    p50Ms: { lower: true, vsRaw: 'added' },
    p99Ms: { lower: true, vsRaw: 'added' },
    lagMs: { lower: true },
    lost: { lower: true },
    duplicates: { lower: true },
  },
  manyShards: {
    connectMs: { lower: true, vsRaw: 'ratio' },
    connectCpuMs: { lower: true, vsRaw: 'ratio' },
    idleCpuPercent: { lower: true },
    heapMB: { lower: true },
    rssMB: { lower: true },
    heapPerShardKB: { lower: true, vsRaw: 'ratio' },
    rssPerShardKB: { lower: true, vsRaw: 'ratio' },
    jitterP50Ms: { lower: true },
    jitterP99Ms: { lower: true },
    jitterMaxMs: { lower: true },
    heartbeatMeanOffsetMs: { lower: true },
  },
};

/**
 * Issue 20's scale runs are reported in their own section and target rows, not in "ahead of both peers on every
 * row": at 2 × 100k/s the emulator may set the pace on this machine, and the 1,000-shard memory includes what the
 * `shards` scenario's slope leaves out, so a row-by-row verdict there would compare setups, not clients.
 */
const NOT_IN_PEER_ROWS = new Set(['shardPair', 'manyShards']);

export function summarize(records) {
  const summary = {};
  for (const [scenario, metrics] of Object.entries(METRICS)) {
    const rows = records.filter((r) => r.scenario === scenario);
    if (rows.length === 0) continue;
    summary[scenario] = {};
    const clients = [...new Set(rows.map((r) => r.client))];
    for (const client of clients) {
      const mine = rows.filter((r) => r.client === client);
      const entry = { runs: mine.length, errors: mine.filter((r) => r.error).map((r) => r.error.split('\n')[0]) };
      for (const [metric, how] of Object.entries(metrics)) {
        entry[metric] = stat(mine.map((r) => r[metric]));
        if (!how.vsRaw || client === 'raw') continue;
        const compared = [];
        for (const r of mine) {
          // The raw measurement paired with this one (run right before it), else the raw of the same run.
          const raw =
            rows.find((x) => x.client === 'raw' && x.run === r.run && x.pairedWith === client) ??
            rows.find((x) => x.client === 'raw' && x.run === r.run && x.pairedWith === undefined) ??
            rows.find((x) => x.client === 'raw' && x.run === r.run);
          if (!raw || typeof raw[metric] !== 'number' || typeof r[metric] !== 'number') continue;
          compared.push(how.vsRaw === 'ratio' ? r[metric] / raw[metric] : r[metric] - raw[metric]);
        }
        entry[`${metric}${how.vsRaw === 'ratio' ? 'VsRaw' : 'AddedOverRaw'}`] = stat(compared);
      }
      if (scenario === 'recovery') entry.back = mine.map((r) => r.back ?? null);
      if (scenario === 'burst') entry.back = mine.flatMap((r) => r.back ?? []);
      summary[scenario][client] = entry;
    }
  }
  return summary;
}

// ---- formatting ---------------------------------------------------------------------------------------------

const num = (v, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const cell = (s, digits = 0, unit = '') => (s ? `${num(s.median, digits)}${unit}` : '—');
const range = (s, digits = 0) => (s ? (s.n > 1 ? `${num(s.min, digits)}–${num(s.max, digits)}` : 'one run') : '—');
const ratio = (s) => (s ? `${num(s.median, 2)}× (${num(s.min, 2)}–${num(s.max, 2)})` : '—');
const added = (s, digits = 3) => (s ? `${s.median >= 0 ? '+' : ''}${num(s.median, digits)} (${num(s.min, digits)} … ${num(s.max, digits)})` : '—');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const clientOrder = ['raw', 'ours', 'ours-inspected', 'ours-fast-reconnect', 'qq-official-bot', 'qq-guild-bot', 'xstate-floor-1', 'xstate-floor-2'];
const ordered = (block) => clientOrder.filter((c) => block?.[c]);

/** Metrics whose comparison with the peers uses the per-run comparison to raw (time is noisy; memory is not). */
const RELATIVE = new Set(['start', 'throughput', 'latency', 'recovery', 'burst']);

/**
 * Ours against both peers, metric by metric, on the median. For times, the median of each client's per-run ratio
 * to (or difference from) the raw measurement paired with it, so that a noisy minute does not decide the row.
 */
export function versusPeers(summary) {
  const rows = [];
  for (const [scenario, metrics] of Object.entries(METRICS)) {
    const block = summary[scenario];
    if (!block?.ours || NOT_IN_PEER_ROWS.has(scenario)) continue;
    for (const [metric, how] of Object.entries(metrics)) {
      if (['meanMs', 'connections', 'rssGrowthMB', 'heapPerShardInclFixedKB', 'rssPerShardInclFixedKB'].includes(metric)) continue;
      const key = how.vsRaw && RELATIVE.has(scenario) ? `${metric}${how.vsRaw === 'ratio' ? 'VsRaw' : 'AddedOverRaw'}` : metric;
      const basis = key === metric ? 'value' : how.vsRaw;
      const ours = block.ours[key]?.median;
      const peers = ['qq-official-bot', 'qq-guild-bot'].map((p) => block[p]?.[key]?.median ?? null);
      if (ours === null || ours === undefined) continue;
      const tolerance = how.tieWithin ?? 0;
      const tie = (a, b) => b !== null && Math.abs(a - b) <= tolerance;
      const better = (a, b) => (b === null ? true : !tie(a, b) && (how.lower ? a < b : a > b));
      const verdict = peers.every((p) => better(ours, p)) ? 'ahead' : peers.every((p) => better(ours, p) || tie(ours, p)) ? 'tied' : 'behind';
      rows.push({ scenario, metric, basis, ours, peers, lower: how.lower, verdict });
    }
  }
  return rows;
}

const METRIC_LABEL = {
  startMs: 'start() → READY, ms',
  importMs: 'import time, ms',
  eventsPerSec: 'dispatch throughput, events/s',
  cpuUsPerEvent: 'CPU time per dispatched event, µs',
  p50Ms: 'latency p50, ms',
  p99Ms: 'latency p99, ms',
  maxMs: 'latency max, ms',
  heapPerShardKB: 'heap per idle shard, KB',
  rssPerShardKB: 'RSS per idle shard, KB',
  heapGrowthPerMillionMB: 'heap growth per 1M events, MB',
  resumedMs: 'drop → RESUMED/READY, ms',
  firstEventAfterDropMs: 'drop → first event, ms',
  lost: 'events lost',
  duplicates: 'events duplicated',
  burstMedianMs: 'burst: drop → RESUMED/READY, median, ms',
  burstMaxMs: 'burst: drop → RESUMED/READY, slowest, ms',
  'burst.lost': 'burst: events lost',
  'burst.duplicates': 'burst: events duplicated',
};
const labelOf = (row) => METRIC_LABEL[`${row.scenario}.${row.metric}`] ?? METRIC_LABEL[row.metric] ?? row.metric;

const DIGITS = { eventsPerSec: 0, cpuUsPerEvent: 2, startMs: 0, importMs: 0, p50Ms: 3, p99Ms: 3, maxMs: 1, heapPerShardKB: 1, rssPerShardKB: 0, heapGrowthPerMillionMB: 2, resumedMs: 0, firstEventAfterDropMs: 0, lost: 0, duplicates: 0, burstMedianMs: 0, burstMaxMs: 0 };

/** What the XState floor rows are, when a scenario has them. */
const FLOOR_NOTE = (block) =>
  block?.['xstate-floor-1'] || block?.['xstate-floor-2']
    ? ' The two XState floor rows are not products: they are the raw client\'s protocol work (HTTP on `node:http`) plus the least ' +
      'XState a design in which every shard is a machine can hold — one machine per shard with the heartbeat as a named delay, ' +
      'spawned by one root actor; the socket driven by that machine (1 actor) or invoked as a `fromCallback` actor (2 actors, our shape). ' +
      '`bench/lib/xstate-floor.mjs`; what they say: bench/notes.md, issue 20, fourth round.'
    : '';

export function renderReport(result, labels, notes) {
  const { summary, sizes, environment: env } = result;
  const L = (c) => labels[c] ?? c;
  const out = [];
  const s = summary;
  out.push('# 性能基准 / Benchmarks', '');
  out.push(
    '> 由 `npm run bench` 生成（`bench/run.mjs`），请勿手改；分析文字来自 `bench/notes.md`。原始数据见 [`benchmarks.json`](benchmarks.json)。',
    '> Generated by `npm run bench` (`bench/run.mjs`); do not edit by hand — the analysis text comes from `bench/notes.md`. Raw numbers: [`benchmarks.json`](benchmarks.json).',
    '',
  );
  out.push(
    '本页的速度数据全部来自同一次运行中的并排测量：本地模拟器（`src/emulator`）运行在独立进程中，四个客户端——本库、裸 `ws` 基线、' +
      '`qq-official-bot` 1.0.13 和 `qq-guild-bot` 2.9.5——各自在独立进程中连接它，每个场景重复多次，表中给出中位数与范围（最小–最大）。' +
      '这台机器是共享的、噪声很大，所以绝对数值只作参考；**应当看的是与同一轮中测得的裸 `ws` 基线之比**。',
    '',
    'Every speed figure on this page was measured side by side in one run: the local emulator (`src/emulator`) in its own process, and four clients — ' +
      'this library, a raw `ws` baseline, `qq-official-bot` 1.0.13 and `qq-guild-bot` 2.9.5 — each in its own process against it. Each scenario runs ' +
      'several times; the tables give the median and the range (min–max). The machine is shared and noisy, so absolute numbers are indicative only: ' +
      '**read the ratios to the raw baseline measured in the same run**.',
    '',
  );
  out.push('## Run', '');
  out.push(
    table(
      ['', ''],
      [
        ['generated', result.generatedAt],
        ['duration', `${Math.round(result.durationSeconds / 60)} min`],
        ['sizes', result.quick ? '**QUICK (smoke test, not the published sizes)**' : 'full (the issue\'s sizes)'],
        ['machine', `${env.cpu}, ${env.cores} cores, ${env.memoryGB} GB, ${env.platform}`],
        ['node', env.node],
        ['versions', Object.entries(env.versions).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['commit', env.commit ?? '—'],
        ['load average (1 min) during the run', (() => {
          const values = result.loadavg.map((l) => l.loadavg[0]);
          return `${num(Math.min(...values), 1)}–${num(Math.max(...values), 1)} on ${env.cores} cores (median ${num(median(values), 1)})`;
        })()],
      ],
    ),
    '',
  );
  out.push('Run it: `npm run bench` (builds, installs the peers into `bench/peers` if missing, runs everything, rewrites this page). ' +
    '`node bench/run.mjs --quick` is a three-minute smoke test; `--only throughput,latency` and `--clients raw,ours` narrow a run; ' +
    '`node bench/profile.mjs` profiles one client in the throughput scenario (`--cpu-prof`) and prints where its time went.', '');

  // 1. throughput
  if (s.throughput) {
    const t = sizes.throughput;
    out.push('## 1. Dispatch throughput', '');
    out.push(`The emulator sends ${num(t.count)} C2C_MESSAGE_CREATE events on one connection as fast as the client reads (after ${num(t.warmup)} warm-up events), ` +
      'and the client counts them in its subscriber (ours: one RxJS subscriber on `bot.on(\'C2C_MESSAGE_CREATE\')`; peers: their handler). ' +
      `Events/s = events ÷ (last event reaching the subscriber − first byte of the burst written), ${t.runs} runs. ` +
      'CPU µs/event = the client process\'s CPU time (all its threads: JavaScript, GC, JIT) over the measured burst ÷ events: it moves far less than the wall clock ' +
      'when another process shares the cores.', '');
    out.push(table(['client', 'events/s (median)', 'range', '× raw, same run (median, range)', 'CPU µs/event', 'CPU × raw, same run'], ordered(s.throughput).map((c) => [
      L(c), cell(s.throughput[c].eventsPerSec), range(s.throughput[c].eventsPerSec), c === 'raw' ? '1' : ratio(s.throughput[c].eventsPerSecVsRaw),
      cell(s.throughput[c].cpuUsPerEvent, 2), c === 'raw' ? '1' : ratio(s.throughput[c].cpuUsPerEventVsRaw),
    ])), '');
  }

  // 2. latency
  if (s.latency) {
    const t = sizes.latency;
    out.push('## 2. Latency at a fixed rate', '');
    out.push(`${num(t.rate)} events/s for ${num(t.count / t.rate, 1)} s (after ${num(t.warmup / t.rate, 1)} s of warm-up); each event carries its send time ` +
      '(CLOCK_MONOTONIC, shared by all processes) and the subscriber records receive − send. The emulator ticks every millisecond and writes the events due, ' +
      `so they arrive in groups of about ${num(t.rate / 1000)}. Medians of ${t.runs} runs, in ms; "added" = client − raw in the same run.`, '');
    out.push(table(['client', 'p50', 'p99', 'max', 'added p50 over raw', 'added p99 over raw (median, range)'], ordered(s.latency).map((c) => {
      const r = s.latency[c];
      return [L(c), cell(r.p50Ms, 3), cell(r.p99Ms, 3), cell(r.maxMs, 1), c === 'raw' ? '—' : added(r.p50MsAddedOverRaw), c === 'raw' ? '—' : added(r.p99MsAddedOverRaw)];
    })), '');
  }

  // 3. memory
  if (s.shards || s.heap) out.push('## 3. Memory', '');
  if (s.shards) {
    const t = sizes.shards;
    out.push(`**Idle shards.** One process with ${t.small} connected shards and another with ${t.count} (emulator: that many recommended shards, max_concurrency as many), ` +
      `idle for ${num(t.settleMs / 1000, 1)} s, then GC. Per shard = (after(${t.count}) − after(${t.small})) ÷ ${t.count - t.small}: the slope, so what a process pays once ` +
      `(compiled code, module state) is not charged per shard. The last two columns divide the whole growth of the ${t.count}-shard process since importing the library by ${t.count}. ` +
      'RSS moves in pages and is the noisier of the two. qq-official-bot hard-codes `shard: [0, 1]`, so its shards are `Bot` instances, one connection each; ' +
      'qq-guild-bot: one `createWebsocket({ shards: [i, n] })` per shard.' + FLOOR_NOTE(s.shards), '');
    out.push(table(['client', 'heap per shard, KB', 'range', 'RSS per shard, KB', 'range', `heap ÷ ${t.count} incl. fixed, KB`, `RSS ÷ ${t.count} incl. fixed, KB`], ordered(s.shards).map((c) => {
      const r = s.shards[c];
      return [L(c), cell(r.heapPerShardKB, 1), range(r.heapPerShardKB, 1), cell(r.rssPerShardKB), range(r.rssPerShardKB), cell(r.heapPerShardInclFixedKB, 1), cell(r.rssPerShardInclFixedKB)];
    })), '');
  }
  if (s.heap) {
    const t = sizes.heap;
    out.push(`**Heap over ${num(t.count)} events.** After ${num(t.warmup)} warm-up events the client's heap is measured after GC, then again after every ` +
      `${num(t.count / t.segments)} events (bursts as in scenario 1). Growth = last − first, scaled to one million events.`, '');
    const runsOf = (c) => result.runs.filter((r) => r.scenario === 'heap' && r.client === c && r.heapUsedMB);
    out.push(table(['client', 'heap growth per 1M events, MB', 'range', 'heap after GC at each checkpoint, MB (first run)'], ordered(s.heap).map((c) => {
      const r = s.heap[c];
      return [L(c), cell(r.heapGrowthPerMillionMB, 2), range(r.heapGrowthPerMillionMB, 2), runsOf(c)[0]?.heapUsedMB.join(' → ') ?? '—'];
    })), '');
  }

  // 4. recovery
  if (s.recovery) {
    const t = sizes.recovery;
    out.push('## 4. Recovery', '');
    out.push(`Events at ${num(t.rate)}/s through the emulator's regular dispatch path (session replay buffer). ${num(t.dropAtMs / 1000, 1)} s in, the emulator cuts the TCP connection ` +
      '(no close frame: the client sees 1006) and keeps dispatching into the session. "→ RESUMED" is when the emulator sends RESUMED on a new connection ' +
      '(READY when the client identified afresh instead, which abandons the events buffered for the old session); "→ first event" is when the first event the client ' +
      `had not received before the drop reaches its handler. Lost and duplicated are counted by event id over all ${num(t.count)} events. Medians of ${t.runs} runs; lost/duplicated: every run.`, '');
    out.push(table(['client', 'came back with', 'drop → RESUMED/READY, ms', 'drop → first event, ms', 'lost (each run)', 'duplicated (each run)', 'connections opened'], ordered(s.recovery).map((c) => {
      const r = s.recovery[c];
      const each = (m) => result.runs.filter((x) => x.scenario === 'recovery' && x.client === c).map((x) => x[m] ?? '—').join(' / ');
      const backs = [...new Set(r.back)].join(', ');
      return [L(c), backs, `${cell(r.resumedMs)} (${range(r.resumedMs)})`, `${cell(r.firstEventAfterDropMs)} (${range(r.firstEventAfterDropMs)})`, each('lost'), each('duplicates'), each('connections')];
    })), '');
  }

  // 4b. burst
  if (s.burst) {
    const t = sizes.burst;
    const partial = result.partial?.burst;
    out.push('### Burst: drop after drop', '');
    if (partial) {
      const loads = partial.loadavg.map((l) => l.loadavg[0]);
      out.push(`> Measured separately on ${partial.measuredAt.slice(0, 10)} (${partial.measuredAt}), commit ${partial.commit ?? '—'}, ` +
        `${partial.quick ? '**QUICK sizes**' : 'full sizes'}, ${t.runs} run${t.runs === 1 ? '' : 's'}; load average (1 min) ${num(Math.min(...loads), 1)}–${num(Math.max(...loads), 1)} on ${env.cores} cores.` +
        `${partial.note ? ` ${partial.note}` : ''}`, '');
    }
    out.push(`Events at ${num(t.rate)}/s through the regular dispatch path, Hello's \`heartbeat_interval\` ${num(t.heartbeatInterval)} ms. ${num(t.firstDropAtMs / 1000, 1)} s in, the emulator ` +
      `cuts the client's TCP connection (1006), and again ${num(t.gapMs / 1000, 1)} s after each cut (once the client is back), ${t.drops} cuts in all (issue 13: recovery must not slow down ` +
      'fault after fault). Per cut: cut → the first RESUMED (READY for a client that identified afresh) on a later connection. Median and slowest cut of each run, then the median ' +
      'over runs (range); lost and duplicated by event id over the whole run.', '');
    out.push(table(['client', 'came back with', 'cut → back, median, ms', 'cut → back, slowest, ms', 'each cut, ms (first run)', 'lost (each run)', 'duplicated (each run)', 'connections opened'], ordered(s.burst).map((c) => {
      const r = s.burst[c];
      const runs = result.runs.filter((x) => x.scenario === 'burst' && x.client === c);
      const each = (m) => runs.map((x) => x[m] ?? '—').join(' / ');
      const first = runs[0]?.dropTimesMs?.map((ms) => (ms === null ? 'none' : num(ms))).join(', ') ?? '—';
      return [L(c), [...new Set(r.back)].join(', '), `${cell(r.burstMedianMs)} (${range(r.burstMedianMs)})`, `${cell(r.burstMaxMs)} (${range(r.burstMaxMs)})`, first, each('lost'), each('duplicates'), each('connections')];
    })), '');
  }

  // 5. start
  if (s.start) {
    const t = sizes.start;
    out.push('## 5. Start', '');
    out.push(`A fresh process per run (${t.runs} runs). Import = loading the library (\`import('qq-bot-machine')\`, \`require('qq-official-bot')\`, …; for raw, \`ws\`). ` +
      'Start = from `start()` (raw: the token request; qq-guild-bot: `createWebsocket()`) to READY: token, `/gateway/bot`, WebSocket, Hello, Identify, READY.' + FLOOR_NOTE(s.start), '');
    out.push(table(['client', 'start() → READY, ms', 'range', '× raw', 'import, ms', 'range', '× raw'], ordered(s.start).map((c) => {
      const r = s.start[c];
      return [L(c), cell(r.startMs), range(r.startMs), c === 'raw' ? '1' : ratio(r.startMsVsRaw), cell(r.importMs), range(r.importMs), c === 'raw' ? '1' : ratio(r.importMsVsRaw)];
    })), '');
  }

  // 6. scale (issue 20)
  if (s.shardPair || s.manyShards) out.push('## 6. Scale: two busy shards, many idle shards', '');
  if (s.shardPair) {
    const t = sizes.shardPair;
    const runsOf = (c) => result.runs.filter((x) => x.scenario === 'shardPair' && x.client === c && !x.error);
    const each = (c, f) => runsOf(c).map(f).join(' / ') || '—';
    const all = result.runs.filter((x) => x.scenario === 'shardPair' && !x.error && Array.isArray(x.perShard));
    const reached = all.filter((x) => x.emulatorReachedRate).length;
    const heldBack = all.filter((x) => x.blockedTicks > 0).length;
    const shortOnItsOwn = all.filter((x) => x.perShard.some((p) => p.limitedBy === 'emulator')).length;
    out.push(`**${t.shards} shards × ${num(t.rate)} events/s each.** One client process connects ${t.shards} shards (emulator: ${t.shards} recommended shards; ` +
      'qq-official-bot cannot shard, so it runs that many `Bot` instances; raw opens one socket per shard id). The emulator paces events to every connection at once, ' +
      `ticking every ms: ${num(t.warmup)} per shard of warm-up (waited for), then ${num(t.count)} per shard (${num(t.count / t.rate, 1)} s at the target rate), each carrying its send time. ` +
      'Sent = what the emulator achieved (all shards; it never queues more than 8 MB per connection, so a client that falls behind holds it back); received = events reaching the ' +
      'handler ÷ (last arrival − start); lag = last arrival − last send, worst shard; a shard *kept up* when it got every event at ≥ 95 % of the target rate and its last ' +
      'event came ≤ 100 ms after being sent. Latency (send → handler) is the worst shard\'s, and at these rates it is mostly queueing. ' +
      `**The emulator sent at ≥ 95 % of the target rate on every shard in ${reached} of ${all.length} runs**; in ${heldBack} a client held it back at some point (blocked ticks: ` +
      `8 MB queued for that connection), and in ${shortOnItsOwn} it fell short with nothing holding it back ("limited by emulator": it builds every frame in JavaScript, ` +
      'on the same shared cores as the client, so such a run says nothing about the client at the target rate). Below the target, the receive rate says what the client ' +
      'sustained, compared with raw in the same run.', '');
    out.push(table(['client', 'sent, events/s (all shards)', 'received, events/s', 'received × raw', 'lost (each run)', 'duplicated (each run)', 'p50 / p99, ms', 'lag, ms (each run)', 'kept up (each run)', 'limited by (each run)'], ordered(s.shardPair).map((c) => {
      const r = s.shardPair[c];
      if (runsOf(c).length === 0) return [L(c), `not run: ${r.errors[0] ?? 'error'}`, '', '', '', '', '', '', '', ''];
      return [L(c), `${cell(r.sendRate)} (${range(r.sendRate)})`, `${cell(r.receiveRate)} (${range(r.receiveRate)})`, c === 'raw' ? '1' : ratio(r.receiveRateVsRaw),
        each(c, (x) => x.lost), each(c, (x) => x.duplicates), `${cell(r.p50Ms, 1)} / ${cell(r.p99Ms, 1)}`, each(c, (x) => num(x.lagMs)), each(c, (x) => (x.keptUp ? 'yes' : 'no')), each(c, (x) => x.limitedBy)];
    })), '');
    const first = (c) => runsOf(c)[0];
    out.push('Per shard, first run (sent → received events/s, lost, p99 ms, emulator blocked ticks, most queued in the emulator):', '');
    out.push(table(['client', ...Array.from({ length: t.shards }, (_, k) => `shard ${k}`)], ordered(s.shardPair).filter((c) => first(c)).map((c) => [
      L(c), ...first(c).perShard.map((p) => `${num(p.sendRate)} → ${num(p.receiveRate)}/s, lost ${p.lost}, p99 ${num(p.p99Ms, 1)}, blocked ${p.blockedTicks}, queued ${num(p.maxQueuedKB)} KB`),
    ])), '');
  }
  if (s.manyShards) {
    const t = sizes.manyShards;
    const runsOf = (c) => result.runs.filter((x) => x.scenario === 'manyShards' && x.client === c && !x.error);
    out.push(`**${num(t.count)} idle shards in one process.** The emulator recommends ${num(t.count)} shards with max_concurrency ${num(t.count)} (all may identify in one 5 s window; ` +
      `with the platform's usual max_concurrency 1 a compliant client needs ${num(t.count)} × 5 s) and Hello's \`heartbeat_interval\` ${num(t.heartbeatInterval)} ms. ` +
      `Connect = connect()/start() → every shard READY, timed in the client (limit ${num(t.readyTimeoutMs / 1000)} s). ` +
      'CPU = user + system time of the client process while connecting and over the idle period (% of one core): unlike wall time, it does not grow when ' +
      'the machine is busy, so it says whether a slow connect or late heartbeats were the client\'s own work. ' +
      `Memory after GC, ${num(t.settleMs / 1000)} s after the last READY, minus before connecting (library already imported), in total and ÷ ${num(t.count)}: unlike section 3's slope this includes what a process pays once, so it is an upper bound. ` +
      'Heartbeat jitter is measured by the emulator over the same idle period: for each two consecutive heartbeats on a connection, |interval − heartbeat_interval|, ' +
      'percentiles over all connections; "offset" is the signed mean (a client that starts its timer at the ACK rather than at the send runs late by the round trip every beat). ' +
      'qq-official-bot: that many `Bot` instances.' + FLOOR_NOTE(s.manyShards), '');
    out.push(table(['client', 'ready (each run)', 'connect, ms', '× raw', 'CPU while connecting, ms', 'CPU while idle', 'heap, MB', 'heap per shard, KB', 'RSS, MB', 'RSS per shard, KB', 'jitter p50 / p99 / max, ms', 'offset, ms', 'intervals'], ordered(s.manyShards).map((c) => {
      const r = s.manyShards[c];
      const runs = runsOf(c);
      if (runs.length === 0) return [L(c), `not run: ${r.errors[0] ?? 'error'}`, '', '', '', '', '', '', '', '', '', '', ''];
      return [L(c), runs.map((x) => `${x.connected}/${x.shards}`).join(' / '), `${cell(r.connectMs)} (${range(r.connectMs)})`, c === 'raw' ? '1' : ratio(r.connectMsVsRaw),
        cell(r.connectCpuMs), cell(r.idleCpuPercent, 1, ' %'),
        cell(r.heapMB, 1), `${cell(r.heapPerShardKB, 1)} (${range(r.heapPerShardKB, 1)})`, cell(r.rssMB), `${cell(r.rssPerShardKB)} (${range(r.rssPerShardKB)})`,
        `${cell(r.jitterP50Ms, 2)} / ${cell(r.jitterP99Ms, 1)} / ${cell(r.jitterMaxMs, 1)}`, cell(r.heartbeatMeanOffsetMs, 2), runs.map((x) => x.heartbeatIntervals).join(' / ')];
    })), '');
  }

  // targets
  out.push('## Targets', '');
  const rows = [];
  const o = (scenario) => s[scenario]?.ours;
  // Issue 20's targets. Times compare per run against the raw client measured next to it (ratios, differences);
  // "below every peer" compares medians of those per-run figures, as the row-by-row table below does.
  const peersOf = (scenario, key) => ['qq-official-bot', 'qq-guild-bot'].map((p) => s[scenario]?.[p]?.[key]?.median).filter((v) => typeof v === 'number');
  if (o('throughput')) {
    const v = o('throughput').eventsPerSecVsRaw;
    const runs = v?.n ?? 0;
    const verdict = !v ? '—' : runs < 5 ? `not decided: ${runs} paired runs (5 needed)` : v.median >= 0.95 ? 'met' : '**missed**';
    rows.push([`throughput ≥ 0.95 × raw (median of ≥ 5 paired runs, range)`, v ? `${num(v.median, 2)}× (${num(v.min, 2)}–${num(v.max, 2)}, ${runs} runs)` : '—', verdict]);
    const cpu = o('throughput').cpuUsPerEventVsRaw;
    if (cpu) rows.push(['(beside it) CPU time per event × raw (whole process, load-robust; lower is better)', `${num(cpu.median, 2)}× (${num(cpu.min, 2)}–${num(cpu.max, 2)})`, 'reported']);
  }
  // With and without the inspector, each taken as its ratio to the raw client measured right before it: the
  // machine's load drifts between runs; the pairing cancels most of it.
  const inspected = s.throughput?.['ours-inspected']?.eventsPerSecVsRaw;
  if (inspected && o('throughput')?.eventsPerSecVsRaw) {
    const v = inspected.median / o('throughput').eventsPerSecVsRaw.median;
    rows.push(['throughput with the inspector serving a page ≥ 0.8 × without it (each × its paired raw)', `${num(v, 2)}×`, v >= 0.8 ? 'met' : '**missed**']);
  }
  if (o('latency')) {
    const v = o('latency').p99MsAddedOverRaw;
    rows.push([`p99 added latency ≤ 0.1 ms at ${num(sizes.latency.rate)}/s`, v ? `${num(v.median, 3)} ms (${num(v.min, 3)} … ${num(v.max, 3)})` : '—', v ? (v.median <= 0.1 ? 'met' : '**missed**') : '—']);
  }
  if (o('start')) {
    const imp = o('start').importMs;
    const impRatio = o('start').importMsVsRaw;
    const impPeers = peersOf('start', 'importMsVsRaw');
    const impOk = imp && impRatio && imp.median <= 150 && impPeers.every((p) => impRatio.median < p);
    rows.push(['import ≤ 150 ms and below every peer (× raw per run)', imp ? `${num(imp.median)} ms (${range(imp)}); ${num(impRatio?.median, 2)}× raw vs peers ${impPeers.map((p) => `${num(p, 2)}×`).join(', ')}` : '—', imp ? (impOk ? 'met' : '**missed**') : '—']);
    const st = o('start').startMs;
    const stRatio = o('start').startMsVsRaw;
    const stPeers = peersOf('start', 'startMsVsRaw');
    const stOk = stRatio && stPeers.every((p) => stRatio.median < p);
    rows.push(['start() → READY below every peer (× raw per run)', st ? `${num(st.median)} ms (${range(st)}); ${num(stRatio?.median, 2)}× raw vs peers ${stPeers.map((p) => `${num(p, 2)}×`).join(', ')}` : '—', st ? (stOk ? 'met' : '**missed**') : '—']);
  }
  if (o('shards')) {
    const h = o('shards').heapPerShardKB;
    const r = o('shards').rssPerShardKB;
    const lightest = Math.min(...peersOf('shards', 'heapPerShardKB'));
    rows.push(['heap per idle shard ≤ the lightest peer', h ? `${num(h.median, 1)} KB (${range(h, 1)}) vs ${num(lightest, 1)} KB` : '—', h ? (h.median <= lightest ? 'met' : '**missed**') : '—']);
    rows.push(['RSS per idle shard (reported)', r ? `${num(r.median)} KB (${range(r)})` : '—', 'reported']);
  }
  if (o('heap')) {
    const v = o('heap').heapGrowthPerMillionMB;
    rows.push(['heap growth < 1 MB per million events', v ? `${num(v.median, 2)} MB (${range(v, 2)})` : '—', v ? (v.max < 1 ? 'met' : '**missed**') : '—']);
  }
  if (o('recovery')) {
    const runs = result.runs.filter((x) => x.scenario === 'recovery' && x.client === 'ours');
    const ok = runs.length > 0 && runs.every((x) => x.lost === 0 && x.duplicates === 0);
    rows.push(['recovery: 0 lost / 0 duplicated', runs.map((x) => `${x.lost ?? '—'} / ${x.duplicates ?? '—'}`).join(', '), ok ? 'met' : '**missed**']);
  }
  if (o('burst')) {
    const runs = result.runs.filter((x) => x.scenario === 'burst' && x.client === 'ours');
    const ok = runs.length > 0 && runs.every((x) => x.burstMaxMs !== null && x.burstMaxMs <= 1_000 && x.lost === 0 && x.duplicates === 0);
    rows.push(['burst: every cut back (RESUMED) within 1 s, 0 lost / 0 duplicated', runs.map((x) => `slowest ${num(x.burstMaxMs)} ms, ${x.lost ?? '—'} / ${x.duplicates ?? '—'}`).join('; '), ok ? 'met' : '**missed**']);
  }
  if (o('shardPair')) {
    const t = sizes.shardPair;
    const runs = result.runs.filter((x) => x.scenario === 'shardPair' && x.client === 'ours');
    const clean = runs.length > 0 && runs.every((x) => !x.error && x.lost === 0 && x.duplicates === 0);
    const kept = runs.every((x) => x.keptUp);
    const clientBound = runs.some((x) => x.perShard?.some((p) => p.limitedBy === 'client'));
    rows.push([`${t.shards} shards × ${num(t.rate)} events/s each: every event, kept up`,
      runs.map((x) => (x.error ? 'error' : `${num(x.receiveRate)}/s of ${num(x.sendRate)}/s sent, lost ${x.lost}, lag ${num(x.lagMs)} ms`)).join('; '),
      !clean || clientBound ? '**missed**' : kept ? 'met' : 'not measured: the emulator did not reach the rate on this machine']);
  }
  if (o('manyShards')) {
    const t = sizes.manyShards;
    const runs = result.runs.filter((x) => x.scenario === 'manyShards' && x.client === 'ours');
    const ok = runs.length > 0 && runs.every((x) => !x.error && x.allReady && x.connected === x.shards);
    rows.push([`${num(t.count)} idle shards in one process: all READY`,
      runs.map((x) => (x.error ? 'error' : `${x.connected}/${x.shards} in ${num(x.connectMs)} ms, ${num(x.heapPerShardKB, 1)} KB heap/shard, jitter p99 ${num(x.jitterP99Ms, 1)} ms`)).join('; '),
      ok ? 'met' : '**missed**']);
  }
  const vs = versusPeers(s);
  const behind = vs.filter((r) => r.verdict === 'behind');
  const tied = vs.filter((r) => r.verdict === 'tied');
  rows.push([
    'ahead of both peers on every row',
    `${vs.length - behind.length - tied.length} of ${vs.length} rows ahead${tied.length ? `, ${tied.length} tied (${tied.map(labelOf).join('; ')})` : ''}`,
    behind.length === 0 ? 'met' : `**missed** (behind on: ${behind.map(labelOf).join('; ')})`,
  ]);
  out.push(table(['target', 'measured (median)', ''], rows), '');
  out.push('Row by row, ours against the peers (medians; times as the median of each run\'s ratio to, or difference from, the raw client measured next to it):', '');
  out.push(table(['row', 'compared as', 'qq-bot-machine', 'qq-official-bot', 'qq-guild-bot', ''], vs.map((r) => {
    const digits = r.basis === 'ratio' ? 2 : DIGITS[r.metric] ?? 2;
    const show = (v) => (v === null ? '—' : r.basis === 'ratio' ? `${num(v, 2)}×` : r.basis === 'added' ? `${v >= 0 ? '+' : ''}${num(v, digits)}` : num(v, digits));
    const basis = r.basis === 'ratio' ? '× raw (per run)' : r.basis === 'added' ? 'minus raw (per run)' : 'value';
    return [labelOf(r), basis, show(r.ours), show(r.peers[0]), show(r.peers[1]), r.verdict];
  })), '');

  // method
  out.push('## Method', '');
  out.push(
    '- **Processes.** `bench/run.mjs` forks, per (scenario, client, run), a fresh emulator process (`bench/lib/emulator-host.mjs`, the project\'s `startEmulator()` from `dist/`) ' +
      'and a fresh client process (`bench/lib/client-runner.mjs` + an adapter in `bench/clients/`), both driven over IPC. Clients run one at a time; their order rotates every run.',
    '- **Same work per event.** Every client\'s handler calls the same `onEvent(d)`: it marks `d.bench_n` (the event\'s index, one per envelope id) in a bitmap, so a second delivery ' +
      'of an event counts as a duplicate and never as throughput, and in the latency scenario reads the clock.',
    '- **Raw baseline**: `ws` 8, `fetch` for the token and `/gateway/bot`, Identify, a heartbeat timer, `JSON.parse(data.toString())` per frame, nothing more. For recovery it ' +
      'reconnects at once and resumes from its last seq.',
    '- **Peers** are the pinned devDependencies (or `bench/peers`, with its own lock file) and driven as in [peer-sdks](peer-sdks.md) §4: qq-official-bot with its axios base URL and the token URL ' +
      'rewritten; qq-guild-bot through a resty request hook, with the emulator\'s `acceptLegacyToken`, and two adaptations it needs to see C2C events at all (the GROUP_AND_C2C_EVENT bit ' +
      'added to its intent table; C2C dispatches caught under its event name `"undefined"`). Their logs are off.',
    '- **The emulator is never the bottleneck.** Bursts and paced sends write pre-built frames (the JSON of the emulator\'s C2C payload, a fresh id per event) straight to the session\'s socket, ' +
      '128 per write, waiting for `drain` above 1 MB queued, and keep the session\'s `seq`; per-event bookkeeping (sent-frame records, replay buffer) is skipped. ' +
      'Recovery uses the emulator\'s regular `dispatch()` so that resume replays come from its buffer.',
    '- **Noise.** The machine is shared (other test suites were running); the load average is recorded per scenario in the JSON. Ratios and differences are taken per run against ' +
      'the raw client measured right before each client (throughput, latency: raw runs once per other client) or in the same run (the other scenarios), ' +
      'then the median over runs is reported with its range.',
    '',
  );
  if (notes.trim()) out.push(notes.trim(), '');
  return `${out.join('\n')}\n`;
}
