/**
 * The scenarios. Each takes a client adapter name and the sizes, starts a fresh emulator process and a fresh
 * client process, drives them, and returns the measured numbers of that one (client, run).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startClient, startHost } from './procs.mjs';

export const APP_ID = '102000001';
export const SECRET = 'emulator-secret-0123456789';

async function withProcesses(adapter, hostOptions, scenario, params, body, clientOptions) {
  const host = await startHost({ appId: APP_ID, secret: SECRET, acceptLegacyToken: adapter === 'qq-guild-bot', ...hostOptions });
  const emu = { ...host.info, appId: APP_ID, secret: SECRET };
  const client = startClient(adapter, scenario, { ...params, emu }, clientOptions);
  try {
    return await body({ host, client, emu });
  } finally {
    if (clientOptions?.cpuProfDir || process.env.BENCH_CLIENT_EXEC) await client.exitGracefully();
    await client.close();
    await host.close();
  }
}

/** 5. Import time and start() → READY, in a fresh process. */
export function start(adapter) {
  return withProcesses(adapter, {}, 'start', {}, async ({ client }) => {
    const result = await client.next('result', 60_000);
    return { importMs: result.importMs, startMs: result.startMs };
  });
}

/** 1. Dispatch throughput: a warm-up burst, then `count` events as fast as the client reads. */
export function throughput(adapter, sizes, clientOptions) {
  const { warmup, count } = sizes.throughput;
  const total = warmup + count;
  return withProcesses(
    adapter,
    {},
    'throughput',
    { capacity: total, warmup, count: total },
    async ({ host, client }) => {
      await client.next('ready', 60_000);
      await host.request({ cmd: 'burst', count: warmup, from: 0 }, 'burst-done');
      await client.next('checkpoint', 120_000);
      const measured = host.request({ cmd: 'burst', count, from: warmup }, 'burst-done');
      const result = await client.next('result', sizes.throughput.timeoutMs);
      const burst = await measured;
      const seconds = (result.lastRecvNs - burst.startNs) / 1e9;
      return {
        eventsPerSec: count / seconds,
        seconds,
        emulatorWriteSeconds: (burst.writtenNs - burst.startNs) / 1e9,
        backpressureWaits: burst.waits,
        received: result.unique - warmup,
        cpuUsPerEvent: result.cpuUs / count,
        duplicates: result.duplicates,
      };
    },
    clientOptions,
  );
}

/** 2. Latency at a fixed rate: emulator send → subscriber callback, after a warm-up second. */
export function latency(adapter, sizes) {
  const { rate, warmup, count } = sizes.latency;
  const total = warmup + count;
  return withProcesses(adapter, {}, 'latency', { capacity: total, warmup, count: total }, async ({ host, client }) => {
    await client.next('ready', 60_000);
    const paced = host.request({ cmd: 'paced', count: total, from: 0, rate }, 'paced-done');
    const result = await client.next('result', (total / rate) * 1000 + 120_000);
    const sent = await paced;
    return {
      rate,
      achievedRate: total / ((sent.endNs - sent.startNs) / 1e9),
      samples: result.samples,
      p50Ms: result.p50,
      p90Ms: result.p90,
      p99Ms: result.p99,
      p999Ms: result.p999,
      maxMs: result.max,
      meanMs: result.mean,
      duplicates: result.duplicates,
    };
  });
}

/**
 * 3a. Heap and RSS per connected idle shard. Two fresh processes per run, one with `small` shards and one with
 * `count`: per shard = (after(count) − after(small)) ÷ (count − small), so what a process pays once (compiled code,
 * module state, the first logger) is not counted per shard. Also reported: (after − before) ÷ count of the large one.
 */
export async function shards(adapter, sizes) {
  const { count, small, settleMs } = sizes.shards;
  const measure = (n) =>
    withProcesses(
      adapter,
      // qq-official-bot identifies with [0, 1] whatever it is told; its "shards" are separate Bot instances.
      { shards: adapter === 'qq-official-bot' ? 1 : n, maxConcurrency: n },
      'shards',
      { shards: n, settleMs },
      async ({ host, client }) => {
        const result = await client.next('result', 120_000);
        const stats = await host.request({ cmd: 'stats' }, 'stats');
        return { ...result, open: stats.connections.filter((c) => !c.closed).length };
      },
    );
  const few = await measure(small);
  const many = await measure(count);
  return {
    shards: count,
    openConnections: many.open,
    connected: many.connected,
    heapPerShardKB: (many.after.heapUsed - few.after.heapUsed) / (count - small) / 1024,
    rssPerShardKB: (many.after.rss - few.after.rss) / (count - small) / 1024,
    heapPerShardInclFixedKB: (many.after.heapUsed - many.before.heapUsed) / count / 1024,
    rssPerShardInclFixedKB: (many.after.rss - many.before.rss) / count / 1024,
    heapTotalPerShardKB: (many.after.heapTotal - few.after.heapTotal) / (count - small) / 1024,
    externalPerShardKB: (many.after.external - few.after.external) / (count - small) / 1024,
    heapAfterMB: many.after.heapUsed / 2 ** 20,
    heapTotalAfterMB: many.after.heapTotal / 2 ** 20,
    rssAfterMB: many.after.rss / 2 ** 20,
  };
}

/** 3b. Heap after GC at checkpoints over `count` events (after a warm-up); growth = last − first. */
export function heap(adapter, sizes) {
  const { warmup, count, segments } = sizes.heap;
  const checkpoints = [warmup];
  for (let i = 1; i <= segments; i++) checkpoints.push(warmup + Math.round((count * i) / segments));
  const total = checkpoints.at(-1);
  return withProcesses(adapter, {}, 'heap', { capacity: total, checkpoints }, async ({ host, client }) => {
    await client.next('ready', 60_000);
    let from = 0;
    for (const checkpoint of checkpoints) {
      await host.request({ cmd: 'burst', count: checkpoint - from, from }, 'burst-done', sizes.heap.timeoutMs);
      await client.next('checkpoint', sizes.heap.timeoutMs);
      from = checkpoint;
    }
    const result = await client.next('result', 60_000);
    const first = result.samples[0];
    const last = result.samples.at(-1);
    return {
      events: last.events - first.events,
      heapGrowthMB: (last.heapUsed - first.heapUsed) / 2 ** 20,
      heapGrowthPerMillionMB: ((last.heapUsed - first.heapUsed) / 2 ** 20) * (1e6 / (last.events - first.events)),
      rssGrowthMB: (last.rss - first.rss) / 2 ** 20,
      heapUsedMB: result.samples.map((s) => +(s.heapUsed / 2 ** 20).toFixed(2)),
      duplicates: result.duplicates,
    };
  });
}

/**
 * 4. Recovery: events at `rate` through the emulator's regular dispatch path; after `dropAtMs` the TCP connection is
 * cut (no close frame: the client sees 1006) while dispatching continues into the session's replay buffer.
 */
export function recovery(adapter, sizes) {
  const { rate, count, dropAtMs, quietMs, maxWaitMs } = sizes.recovery;
  return withProcesses(adapter, {}, 'recovery', { capacity: count }, async ({ host, client }) => {
    await client.next('ready', 60_000);
    const done = await host.request({ cmd: 'dispatch-paced', count, from: 0, rate, dropAtMs }, 'dispatch-done', 120_000);
    // Wait until everything arrived, or nothing new arrived for quietMs.
    await untilAllOrQuiet(client, count, quietMs, maxWaitMs);
    // A little longer, so late duplicates (a second socket) are counted too.
    await sleep(500);
    client.send({ cmd: 'collect', dropNs: done.dropNs, total: count });
    const result = await client.next('result', 30_000);
    const stats = await host.request({ cmd: 'stats' }, 'stats');
    return {
      events: count,
      undelivered: done.delivered.no,
      back: done.back,
      resumedMs: done.backNs !== null ? (done.backNs - done.dropNs) / 1e6 : null,
      firstEventAfterDropMs: result.firstReplayNs !== null ? (result.firstReplayNs - done.dropNs) / 1e6 : null,
      lost: result.missing,
      duplicates: result.duplicates,
      connections: stats.connections.length,
      identifies: stats.stats.identifies,
      resumes: stats.stats.resumes,
    };
  });
}

/**
 * 4b. Burst (issue 13): events at `rate` through the regular dispatch path while the client's TCP connection is cut
 * `drops` times, `gapMs` apart, at Hello's `heartbeat_interval` = `heartbeatInterval` (the 300 ms, so that a
 * session can prove itself healthy between drops). Per drop: cut → RESUMED (or READY) in the emulator.
 */
export function burst(adapter, sizes) {
  const { rate, drops, gapMs, firstDropAtMs, tailMs, heartbeatInterval, quietMs, maxWaitMs } = sizes.burst;
  const count = Math.round((rate * (firstDropAtMs + drops * gapMs + tailMs)) / 1000);
  return withProcesses(adapter, { heartbeatInterval }, 'burst', { capacity: count }, async ({ host, client }) => {
    await client.next('ready', 60_000);
    const done = await host.request({ cmd: 'dispatch-drops', count, from: 0, rate, firstDropAtMs, drops, gapMs, maxWaitMs }, 'drops-done', 300_000);
    // Wait until everything arrived, or nothing new arrived for quietMs.
    await untilAllOrQuiet(client, count, quietMs);
    await sleep(500);
    client.send({ cmd: 'collect', total: count });
    const result = await client.next('result', 30_000);
    const stats = await host.request({ cmd: 'stats' }, 'stats');
    const times = done.drops.map((d) => d.ms).filter((ms) => ms !== null).sort((a, b) => a - b);
    const median = times.length === 0 ? null : times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    return {
      events: count,
      drops: done.drops.length,
      dropTimesMs: done.drops.map((d) => (d.ms === null ? null : +d.ms.toFixed(1))),
      back: [...new Set(done.drops.map((d) => d.back))],
      recovered: times.length,
      burstMedianMs: median,
      burstMaxMs: times.length === done.drops.length && times.length > 0 ? times.at(-1) : null,
      lost: result.missing,
      duplicates: result.duplicates,
      connections: stats.connections.length,
      identifies: stats.stats.identifies,
      resumes: stats.stats.resumes,
    };
  });
}

/** Polls the client until it has `total` events, or nothing new arrived for `quietMs` (or `maxWaitMs` passed). */
async function untilAllOrQuiet(client, total, quietMs, maxWaitMs = Infinity) {
  const waitStart = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    client.send({ cmd: 'poll' });
    const progress = await client.next('progress', 10_000);
    if (progress.unique >= total && Date.now() - lastChange > 300) return;
    if (progress.deliveries !== last) {
      last = progress.deliveries;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > quietMs || Date.now() - waitStart > maxWaitMs) return;
    await sleep(100);
  }
}

/**
 * 6a. Two shards at `rate` events/s EACH (issue 20: 2 × 100k/s): the client connects `shards` shards (emulator:
 * that many recommended shards; qq-official-bot: Bot instances, as in `shards`), the emulator paces a warm-up of
 * `warmup` events per shard, waits until the client has them, then `count` per shard. Per shard: what the emulator
 * achieved (it never queues more than 8 MB per connection: a client that does not keep up holds it back, counted as
 * blocked ticks), what reached the handler, lost, duplicated, send → handler latency, how long after the last send
 * the last event arrived, and whether the client kept up (every event, ≥ 95 % of `rate`, lag ≤ 100 ms).
 */
const KEPT_UP_LAG_MS = 100;

export function shardPair(adapter, sizes) {
  const { shards: n, rate, warmup, count, quietMs, maxWaitMs } = sizes.shardPair;
  const perShard = warmup + count;
  const froms = (offset) => Array.from({ length: n }, (_, k) => k * perShard + offset);
  return withProcesses(
    adapter,
    { shards: adapter === 'qq-official-bot' ? 1 : n, maxConcurrency: n },
    'shardPair',
    { shards: n, perShard, warmup, capacity: n * perShard },
    async ({ host, client }) => {
      await client.next('ready', 60_000);
      await host.request({ cmd: 'paced-shards', count: warmup, froms: froms(0), rate }, 'paced-shards-done', 120_000);
      await client.next('checkpoint', 120_000);
      const sent = await host.request({ cmd: 'paced-shards', count, froms: froms(warmup), rate }, 'paced-shards-done', (count / rate) * 1000 + 120_000);
      await untilAllOrQuiet(client, n * perShard, quietMs, maxWaitMs);
      client.send({ cmd: 'collect' });
      const result = await client.next('result', 60_000);
      const seconds = (ns) => (ns - sent.startNs) / 1e9;
      const perShardRows = sent.lanes.map((lane, k) => {
        const got = result.shards[k];
        const sendRate = lane.sent / seconds(lane.endNs);
        const lagMs = got.lastNs === null ? null : (got.lastNs - lane.endNs) / 1e6;
        const receiveRate = got.lastNs === null ? 0 : got.received / seconds(got.lastNs);
        // Kept up: every event, at ≥ 95 % of the target rate, the last one within KEPT_UP_LAG_MS of being written.
        const keptUp = got.received === lane.sent && receiveRate >= 0.95 * rate && lagMs !== null && lagMs <= KEPT_UP_LAG_MS;
        const behind = lane.blockedTicks > 0 || lagMs === null || lagMs > KEPT_UP_LAG_MS || got.received < lane.sent;
        return {
          shard: k,
          sent: lane.sent,
          sendRate,
          received: got.received,
          receiveRate,
          lost: lane.sent - got.received,
          duplicates: got.duplicates,
          p50Ms: got.p50,
          p99Ms: got.p99,
          maxMs: got.max,
          lagMs,
          blockedTicks: lane.blockedTicks,
          maxQueuedKB: lane.maxQueuedBytes / 1024,
          keptUp,
          emulatorReachedRate: sendRate >= 0.95 * rate,
          // Short of the target, who set the pace: the client (a backlog built up: the emulator had to hold back,
          // or the last event came late), else the emulator (it could not build and write frames at `rate`
          // although the client kept pace with what it sent).
          limitedBy: keptUp ? 'none' : behind ? 'client' : 'emulator',
        };
      });
      const lastNs = Math.max(...result.shards.map((r) => r.lastNs ?? 0));
      const received = perShardRows.reduce((sum, r) => sum + r.received, 0);
      const totalSent = perShardRows.reduce((sum, r) => sum + r.sent, 0);
      const worst = (key) => Math.max(...perShardRows.map((r) => r[key] ?? 0));
      return {
        shards: n,
        targetRatePerShard: rate,
        sendRate: totalSent / seconds(Math.max(...sent.lanes.map((l) => l.endNs))),
        receiveRate: received / seconds(lastNs),
        sent: totalSent,
        received,
        lost: totalSent - received,
        duplicates: perShardRows.reduce((sum, r) => sum + r.duplicates, 0),
        p50Ms: worst('p50Ms'),
        p99Ms: worst('p99Ms'),
        maxMs: worst('maxMs'),
        lagMs: worst('lagMs'),
        blockedTicks: perShardRows.reduce((sum, r) => sum + r.blockedTicks, 0),
        keptUp: perShardRows.every((r) => r.keptUp),
        emulatorReachedRate: perShardRows.every((r) => r.emulatorReachedRate),
        limitedBy: [...new Set(perShardRows.map((r) => r.limitedBy))].join(' + '),
        perShard: perShardRows,
      };
    },
  );
}

/**
 * 6b. `count` idle shards in one client process (issue 20: 1,000), emulator with max_concurrency = count (all may
 * identify in one window) and Hello's `heartbeat_interval` = `heartbeatInterval`. Connect = connect() → every shard
 * READY, in the client. Memory: after GC, `settleMs` after the last READY, minus before connecting (the library
 * already imported), ÷ count. Heartbeat jitter is measured by the emulator over the same settle period: for each two
 * consecutive heartbeats on a connection, |interval − heartbeatInterval|.
 */
export function manyShards(adapter, sizes) {
  const { count, heartbeatInterval, settleMs, readyTimeoutMs } = sizes.manyShards;
  return withProcesses(
    adapter,
    { shards: adapter === 'qq-official-bot' ? 1 : count, maxConcurrency: count, heartbeatInterval },
    'manyShards',
    { shards: count, settleMs, readyTimeoutMs },
    async ({ host, client }) => {
      const ready = await client.next('ready', readyTimeoutMs + 60_000);
      const result = await client.next('result', settleMs + 120_000);
      const beats = await host.request({ cmd: 'heartbeats', expectedMs: heartbeatInterval, sinceNs: ready.readyNs }, 'heartbeats');
      const stats = await host.request({ cmd: 'stats' }, 'stats');
      const { before, after } = result;
      return {
        shards: count,
        connected: result.connected,
        allReady: !ready.timedOut,
        connectMs: ready.timedOut ? null : ready.connectMs,
        connectCpuMs: result.connectCpuMs,
        idleCpuPercent: result.idleCpuPercent,
        openConnections: stats.connections.filter((c) => !c.closed).length,
        identifies: stats.stats.identifies,
        heapMB: after.heapUsed / 2 ** 20,
        rssMB: after.rss / 2 ** 20,
        heapPerShardKB: (after.heapUsed - before.heapUsed) / count / 1024,
        rssPerShardKB: (after.rss - before.rss) / count / 1024,
        heartbeats: beats.heartbeats,
        beatingConnections: beats.beating,
        heartbeatIntervals: beats.intervals,
        jitterP50Ms: beats.p50Ms,
        jitterP99Ms: beats.p99Ms,
        jitterMaxMs: beats.maxMs,
        heartbeatMeanOffsetMs: beats.meanOffsetMs,
      };
    },
  );
}
