/**
 * docs/reliability.md's figures come from docs/reliability.json, the committed report of one full
 * run (`npm run docs:reliability`: runs `test:chaos` with RELIABILITY_REPORT_DIR, merges the
 * per-test files into the JSON and rewrites the part of the doc between the markers below).
 * test/reliability/doc.test.ts renders that part from the JSON again and fails when the doc differs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BEGIN = '<!-- reliability-figures:begin (generated from docs/reliability.json by `npm run docs:reliability`; do not edit) -->';
export const END = '<!-- reliability-figures:end -->';

export interface ReliabilityReport {
  scale: string;
  seed: number;
  date: string;
  node: string;
  commit: string;
  tests: Record<string, Record<string, unknown>>;
}

/** Merges the `<name>.<scale>.json` files a run wrote into one report. */
export function mergeReports(dir: string, meta: { node: string; commit: string }): ReliabilityReport {
  const tests: Record<string, Record<string, unknown>> = {};
  let scale = '';
  let seed = 0;
  let date = '';
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    const entry = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    const { name, scale: entryScale, seed: entrySeed, date: entryDate, ...figures } = entry;
    if (scale && entryScale !== scale) throw new Error(`${file}: scale ${String(entryScale)}, the others ${scale}`);
    scale = String(entryScale);
    seed = Number(entrySeed);
    if (!date || String(entryDate) < date) date = String(entryDate);
    tests[String(name)] = figures;
  }
  if (!scale) throw new Error(`no report files in ${dir}`);
  return { scale, seed, date, node: meta.node, commit: meta.commit, tests };
}

/** Reads `path` (a.b.c) from a test's figures; a missing figure is an error, never a blank in the doc. */
function figure(report: ReliabilityReport, test: string, path: string): unknown {
  let value: unknown = report.tests[test];
  if (value === undefined) throw new Error(`docs/reliability.json has no "${test}" entry`);
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(key in (value as object))) throw new Error(`docs/reliability.json: ${test}.${path} is missing`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** 19224 → "19 224"; 2.5 → "2.5". */
export function num(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`not a number: ${JSON.stringify(value)}`);
  const [whole, fraction] = String(value).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

const seconds = (ms: unknown) => `${num(Math.round(Number(ms) / 100) / 10)} s`;
const sumValues = (value: unknown) => Object.values(value as Record<string, number>).reduce((a, b) => a + Number(b), 0);

/** The generated part of docs/reliability.md (markers included). */
export function renderFigures(report: ReliabilityReport): string {
  const f = (test: string, path: string) => figure(report, test, path);
  const n = (test: string, path: string) => num(f(test, path));
  const byKind = f('chaos', 'faultsByKind') as Record<string, { scheduled: number; injected: number; tookEffect: number }>;
  const handshake = f('chaos', 'handshakeFaults') as Record<string, number>;
  const longest = f('chaos', 'longestGap') as { shard: number; ms: number; boundMs: number; steps: string[] };
  const closest = f('chaos', 'closestToBound') as { shard: number; ms: number; boundMs: number; steps: string[] };
  const fatalRows = f('limits-fatal-codes', 'rows') as Array<{ code: number; newConnectionsInAnHour: number; newIdentifies: number }>;
  const leakTop = (f('leaks', 'liveObjectsGrowthTop') as Array<[string, number]>)[0] ?? ['none', 0];
  const phases = ['idle', 'flood', 'slow subscriber'] as const;
  const jitter = phases.map((phase) => `${phase} ${num(f('load', `${phase}.jitterMs.p50`))} / ${num(f('load', `${phase}.jitterMs.max`))} ms`).join(', ');

  const lines = [
    BEGIN,
    '',
    `\`${report.scale}\` scale, seed ${report.seed}, ${report.date.slice(0, 10)}, commit ${report.commit}, Node ${report.node}. Raw figures: ` +
      '[docs/reliability.json](reliability.json) (each test\'s `[reliability] {…}` line).',
    '',
    '| # | 试了什么 / what was tried | 多少 / how much | 结果 / result |',
    '| --- | --- | --- | --- |',
    `| 1 | Exactly-once through random faults, 2 shards | ${n('chaos', 'eventsDispatched')} events, ${n('chaos', 'faultsScheduled')} faults of ${Object.keys(byKind).length} kinds (mix below), ` +
      `${n('chaos', 'simulatedMinutes')} simulated minutes, ${n('chaos', 'emulator.connections')} connections | ` +
      `**${n('chaos', 'faultsTookEffect')} of ${n('chaos', 'faultsScheduled')} faults took effect; lost ${n('chaos', 'lost')}, duplicated ${n('chaos', 'duplicated')}, ` +
      `out of order ${n('chaos', 'outOfOrder')}, wrong shard or seq ${n('chaos', 'wrongShardOrSeq')}**; ${n('chaos', 'received')} received, ` +
      `${n('chaos', 'droppedByPlatform.total')} never delivered by the platform (below); ${n('chaos', 'emulator.resumes')} resumes, ` +
      `${n('chaos', 'emulator.identifies')} identifies (${n('chaos', 'emulator.sessions')} sessions); **${n('chaos', 'emulator.expiredTokenUses')} expired-token uses**; ` +
      `longest gap ${seconds(longest.ms)} (its bound ${seconds(longest.boundMs)}), ${n('chaos', 'gapsOverBound')} gaps over their bound |`,
    `| 2 | Tokens with a ${n('token', 'tokenTtlSeconds')}-second TTL; the endpoint failing 5xx / timeout / HTTP 200 + error code / bad JSON / slow | ` +
      `${n('token', 'refreshCycles')} refresh cycles, ${n('token', 'endpointFailuresTotal')} failures in ${n('token', 'outages')} outages, ` +
      `${num(sumValues(f('token', 'gatewayFaults')))} gateway faults, ${n('token', 'restCalls')} REST calls | ` +
      `**${n('token', 'expiredTokenUses')} uses of an expired token** (REST: ${n('token', 'restRequestsWithExpiredToken')}), ${n('token', 'restOk')} / ${n('token', 'restCalls')} REST calls answered; ` +
      `back every time the endpoint was: p50 ${seconds(f('token', 'recoveryAfterEndpointBackMs.p50'))}, max ${seconds(f('token', 'recoveryAfterEndpointBackMs.max'))} |`,
    `| 3 | Fuzzing (fast-check): malformed frames, huge frames, broken WebSocket frames, malformed HTTP answers | ` +
      `${n('fuzz-frames', 'frames')} frames in ${num(Object.keys(f('fuzz-frames', 'byCategory') as object).length)} kinds, ${n('fuzz-huge-frames', 'hugeMalformedFrames')} frames of 1–4 MB, ` +
      `invalid UTF-8, a 17 MB frame; ${n('fuzz-http', 'runs')} starts through ${n('fuzz-http', 'malformedAnswers')} bad token/discovery answers | ` +
      `no crash; ${n('fuzz-frames', 'protocolErrors')} \`QQProtocolError\`s; **${n('fuzz-frames', 'reconnects')} reconnects** for malformed frames, ` +
      `${n('fuzz-huge-frames', 'reconnectsForBreakages')} resumes for ${num((f('fuzz-huge-frames', 'breakages') as unknown[]).length)} broken WebSocket frames ` +
      `(${n('fuzz-huge-frames', 'identifiesForBreakages')} identifies); ${n('fuzz-http', 'runsEndingInRejectedCredentials')} runs with rejected credentials fail at once; ` +
      `retries of a failed request ≥ ${n('fuzz-http', 'minRetryGapMs')} ms apart |`,
    `| 4 | Fatal codes, refused identifies, session budget, max_concurrency | ${num(fatalRows.length)} fatal codes × 1 simulated hour; ` +
      `${n('limits-max-concurrency', 'rounds')} rounds × ${n('limits-max-concurrency', 'shards')} shards re-identifying (${n('limits-max-concurrency', 'identifies')} identifies) | ` +
      `**${num(fatalRows.reduce((sum, row) => sum + row.newConnectionsInAnHour, 0))} reconnects** after a fatal code; ` +
      `${n('limits-refused-identify', 'identifies')} refused IDENTIFYs then nothing; 4004 with fresh tokens every time: failed after ${num(Number(f('limits-4004-loop', 'refused')) + 1)} × 4004 (${n('limits-4004-loop', 'reconnectsAfterRefusals')} reconnects); ` +
      `budget ${n('limits-session-budget', 'budget')} → ${n('limits-session-budget', 'sessionsStarted')} sessions, ${n('limits-session-budget', 'refusedByPlatform')} refusals; ` +
      `**${n('limits-max-concurrency', 'closes4008')} × 4008**, at most ${n('limits-max-concurrency', 'mostIdentifiesOfOneBucketIn5s')} IDENTIFY of a bucket in 5 s |`,
    `| 5 | Leaks: a child process through reconnect cycles (op 7, drop, 4009, op 9 ×2, zombie, 4004) | ${n('leaks', 'cycles')} cycles ` +
      `(${seconds(Number(f('leaks', 'cyclesSeconds')) * 1000)}, ${n('leaks', 'connections')} connections) | ` +
      `live objects: most growth ${num(leakTop[1])} (${leakTop[0]}) after the warm-up; data heap ${n('leaks', 'dataHeapMB.growth')} MB ` +
      `(${n('leaks', 'dataHeapBytesPerCycle')} B/cycle; the limit, 768 B/cycle, catches a planted 1 KB/cycle leak); handles, listeners, machine timers unchanged; ` +
      `after \`stop()\` mid-request the process exits by itself (stop ${n('leaks', 'stopMs')} ms) |`,
    `| 6 | Secrets at trace level | the full demo (${n('secrets-demo', 'logLines')} lines, ${n('secrets-demo', 'tokensIssued')} tokens); ` +
      `the whole chaos run (${n('chaos', 'logLines')} log lines, ${n('chaos', 'emulator.tokensIssued')} tokens) | ` +
      `**${num(Number(f('chaos', 'secretOrTokenInLogs')) + Number(f('secrets-demo', 'tokensInLog')) + Number(f('secrets-demo', 'tokensPrinted')))}** secrets or tokens in any log line or in the demo's output |`,
    `| 7 | Heartbeats under load (real time, ${n('load', 'heartbeatIntervalMs')} ms interval; the emulator in its own process) | ` +
      `${n('load', 'phaseSeconds')} s idle, ${n('load', 'phaseSeconds')} s flood (${n('load', 'flood.events')} events, ${n('load', 'flood.eventsPerSecond')}/s), ` +
      `${n('load', 'phaseSeconds')} s with a slow async subscriber (${n('load', 'slowSubscriberMaxPending')} pending handlers) | ` +
      `jitter p50 / max: ${jitter}; ${n('load', 'connections')} connection throughout, ${n('load', 'timeouts')} zombie false alarms |`,
    `| 8 | Replay: one seed run twice (${n('replay', 'faults')} faults) | the fault schedule, and what each fault was seen to cause | ` +
      `same schedule: **${f('replay', 'sameSchedule') ? 'yes' : 'no'}**, same effects: **${f('replay', 'sameEffects') ? 'yes' : 'no'}** |`,
    '',
    '**Chaos run, in detail.** Fault mix (scheduled → took effect): ' +
      Object.entries(byKind)
        .map(([kind, counts]) => `${kind} ${num(counts.scheduled)}${counts.tookEffect === counts.scheduled ? '' : ` → ${num(counts.tookEffect)}`}`)
        .join(', ') +
      `; the handshake faults hit: ${Object.entries(handshake)
        .map(([kind, count]) => `${kind} ${num(count)}`)
        .join(', ')}. ` +
      `${n('chaos', 'tokenRevocations')} token revocations. A fault took effect ${seconds(f('chaos', 'faultEffectLatencyMs.p50'))} after it was injected at the median, ` +
      `${seconds(f('chaos', 'faultEffectLatencyMs.max'))} at most (${String(f('chaos', 'slowestEffect.fault'))}: ${String(f('chaos', 'slowestEffect.seen'))}).`,
    '',
    `Dropped by the platform, not lost by us: ${n('chaos', 'droppedByPlatform.noSession')} events dispatched while a shard had no session, ` +
      `${n('chaos', 'droppedByPlatform.killedSessionTail')} a killed session held but had not delivered. ` +
      `${n('chaos', 'mustSeeBeforeKills')} events written before a kill were checked delivered; ` +
      `${n('chaos', 'decisions.identifyAfterResumableFault')} sessions were abandoned after a resumable fault, ${n('chaos', 'decisions.identifyAfterKill')} identifies followed kills, ` +
      `${n('chaos', 'decisions.ghostSessions')} ghost sessions (READY held, then the socket went silent).`,
    '',
    `Longest gap ${seconds(longest.ms)} (shard ${longest.shard}; bound ${seconds(longest.boundMs)}): ${longest.steps.join(', ')}. ` +
      `Closest to its bound: ${seconds(closest.ms)} of ${seconds(closest.boundMs)} (${closest.steps.join(', ')}). ` +
      `Zombies found within ${seconds(f('chaos', 'zombieDetectionMs.max'))} (${n('chaos', 'zombieDetectionMs.count')} zombies); median offline time ${seconds(f('chaos', 'offlineMs.p50'))}; ` +
      `delivery delay p50 ${seconds(f('chaos', 'deliveryDelayMs.p50'))}, p99 ${seconds(f('chaos', 'deliveryDelayMs.p99'))}.`,
    '',
    END,
  ];
  return lines.join('\n');
}

/** Replaces the generated part of the doc (between the markers). */
export function withFigures(doc: string, figures: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) throw new Error('docs/reliability.md has no figures markers');
  return doc.slice(0, begin) + figures + doc.slice(end + END.length);
}

/** The generated part as it is in the doc now. */
export function figuresIn(doc: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) throw new Error('docs/reliability.md has no figures markers');
  return doc.slice(begin, end + END.length);
}
