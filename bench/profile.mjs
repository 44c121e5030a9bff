/**
 * `node bench/profile.mjs [client] [--count N]`: runs the throughput scenario once for one client (default: ours)
 * with `node --cpu-prof`, then prints where the client process spent its time: self time by function and by
 * package/file, and the inclusive time of the hot-path stages. Profiles go to bench/results/profiles/.
 * `node bench/profile.mjs --summarize <file.cpuprofile>` only prints the summary of an existing profile.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { throughput } from './lib/scenarios.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { count: { type: 'string' }, summarize: { type: 'string' }, top: { type: 'string' }, under: { type: 'string' } },
});
const top = Number(values.top ?? 25);

export function summarize(file, limit = 25, under) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Self time per node from the samples and their time deltas.
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const where = (url) => {
    if (!url) return '(native/V8)';
    const path = url.replace(/^file:\/\//, '');
    const nm = path.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = path.slice(nm + 'node_modules/'.length).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (path.startsWith('node:')) return path;
    const main = path.indexOf('/dist/');
    if (main >= 0) return path.slice(main + 1);
    const bench = path.indexOf('/bench/');
    if (bench >= 0) return path.slice(bench + 1);
    return path;
  };
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, time] of self) {
    const { callFrame } = nodes.get(id);
    const fn = `${callFrame.functionName || '(anonymous)'}  ${where(callFrame.url)}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + time);
    const file = where(callFrame.url).replace(/:\d+$/, '');
    const group = file.startsWith('dist/') ? file : file.split('/')[0];
    byFile.set(group, (byFile.get(group) ?? 0) + time);
  }
  // Inclusive time of a few hot-path stages: a sample counts once for a stage if any frame on its stack matches.
  const stages = {
    'ws receive (ws/lib/receiver.js)': (f) => f.url.includes('ws/lib/receiver.js'),
    'frame decode (decodeFrame)': (f) => f.functionName === 'decodeFrame',
    'JSON.parse': (f) => f.functionName === 'parse' && f.url === '',
    'XState (xstate package)': (f) => f.url.includes('node_modules/xstate'),
    'RxJS (rxjs package)': (f) => f.url.includes('node_modules/rxjs'),
    'subscriber callback (bench onEvent)': (f) => f.functionName === 'onEvent',
    'garbage collector': (f) => f.functionName === '(garbage collector)',
    idle: (f) => f.functionName === '(idle)',
  };
  const inclusive = Object.fromEntries(Object.keys(stages).map((k) => [k, 0]));
  const stackCache = new Map();
  const stackOf = (id) => {
    let stack = stackCache.get(id);
    if (!stack) {
      stack = [];
      for (let at = id; at !== undefined; at = parent.get(at)) stack.push(nodes.get(at).callFrame);
      stackCache.set(id, stack);
    }
    return stack;
  };
  for (const [id, time] of self) {
    const stack = stackOf(id);
    for (const [stage, match] of Object.entries(stages)) if (stack.some(match)) inclusive[stage] += time;
  }
  // Inclusive time by function: a sample counts once per distinct function on its stack.
  const inclusiveByFunction = new Map();
  for (const [id, time] of self) {
    const names = new Set(stackOf(id).map((f) => `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`));
    for (const name of names) inclusiveByFunction.set(name, (inclusiveByFunction.get(name) ?? 0) + time);
  }
  // Self time by function, only for samples whose stack contains a function named `under`.
  const underSelf = new Map();
  let underTotal = 0;
  if (under) {
    for (const [id, time] of self) {
      const stack = stackOf(id);
      if (!stack.some((f) => f.functionName === under)) continue;
      underTotal += time;
      const f = stack[0];
      const name = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
      underSelf.set(name, (underSelf.get(name) ?? 0) + time);
    }
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  const lines = [];
  lines.push(`profile: ${file}`, `total sampled: ${(total / 1000).toFixed(0)} ms`, '', 'self time by function:');
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, limit)) lines.push(`  ${pct(t)}  ${fn}`);
  lines.push('', 'self time by package / file:');
  for (const [file, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(t)}  ${file}`);
  lines.push('', 'inclusive time by function:');
  for (const [fn, t] of [...inclusiveByFunction].sort((a, b) => b[1] - a[1]).slice(0, limit)) lines.push(`  ${pct(t)}  ${fn}`);
  if (under) {
    lines.push('', `self time under ${under} (${pct(underTotal)} of all):`);
    for (const [fn, t] of [...underSelf].sort((a, b) => b[1] - a[1]).slice(0, limit)) lines.push(`  ${pct(t)}  ${fn}`);
  }
  lines.push('', 'inclusive time of hot-path stages:');
  for (const [stage, t] of Object.entries(inclusive)) lines.push(`  ${pct(t)}  ${stage}`);
  return lines.join('\n');
}

if (values.summarize) {
  console.log(summarize(values.summarize, top, values.under));
} else {
  const client = positionals[0] ?? 'ours';
  const dir = fileURLToPath(new URL('./results/profiles/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  const count = Number(values.count ?? 200_000);
  const result = await throughput(client, { throughput: { warmup: 10_000, count, timeoutMs: 600_000 } }, { cpuProfDir: dir });
  console.log(`${client}: ${Math.round(result.eventsPerSec)} events/s (${count} events)`);
  const fresh = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (fresh.length === 0) throw new Error('no profile written');
  console.log(summarize(fresh[0], top, values.under));
}
