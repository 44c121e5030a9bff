/**
 * A single-process bot restarted with a session store: `stop()` and a new process RESUMEs where the
 * old one stopped (0 lost, 0 duplicated); SIGKILL and a new process RESUMEs from the last flush
 * (0 lost; the duplicates are exactly the events delivered after that flush). Real processes, real
 * sockets, the emulator in this process; with the file store and with a real redis-server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { report } from '../reliability/support/scale.js';
import { account, BotProcess, type StoreConfig } from './support/bot-process.js';
import { Producer, sleep } from './support/producer.js';
import { useRedisServer } from './support/redis-server.js';

const flushMs = 500;
let emu: Emulator;
let dir: string;
const processes: BotProcess[] = [];

const redis = useRedisServer();

afterEach(async () => {
  for (const child of processes.splice(0)) if (child.pid && !child.stopped) await child.kill().catch(() => undefined);
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setUp(kind: 'file' | 'redis'): Promise<StoreConfig> {
  emu = await startEmulator({
    appId: '102000001',
    secret: 'emulator-secret-0123456789',
    heartbeatInterval: 1_000,
    resumeWindowMs: 60_000,
    sessionStartLimit: { maxConcurrency: 1, perBucket: true },
  });
  dir = mkdtempSync(join(tmpdir(), 'qq-restart-'));
  const keyPrefix = `qq-test:${Math.random().toString(36).slice(2)}`;
  return kind === 'file' ? { kind: 'file', path: join(dir, 'sessions.json') } : { kind: 'redis', url: redis.server.url, keyPrefix };
}

function botProcess(name: string, store: StoreConfig): BotProcess {
  const child = new BotProcess({ name, tokenUrl: emu.tokenUrl, apiBase: emu.apiBase, store, shards: { ids: [0], total: 1 }, flushMs });
  processes.push(child);
  return child;
}

async function storedSeq(store: StoreConfig): Promise<number> {
  const text = store.kind === 'file' ? (JSON.parse(readFileSync(store.path, 'utf8')) as Record<string, unknown>)['0'] : JSON.parse((await redis.client.get(`${store.keyPrefix}:session:0`)) ?? 'null');
  return (text as { seq: number }).seq;
}

describe.each(['file', 'redis'] as const)('restart with the %s session store', (kind) => {
  it('graceful: stop() and a new process RESUMEs — 0 lost, 0 duplicated, one IDENTIFY in all', async () => {
    const store = await setUp(kind);
    const first = botProcess('first', store);
    await first.started();
    const producer = new Producer(emu, [0]);
    producer.start();
    await first.until(() => first.delivered.length >= 150, '150 events');
    await first.stop();
    const whileDown = producer.dispatched.length;
    await sleep(200); // events keep coming while no process runs: the platform buffers them
    const second = botProcess('second', store);
    await second.started();
    await second.until(() => second.delivered.length >= 100, '100 events');
    producer.stop();
    await second.until(() => second.delivered.length + first.delivered.length >= producer.dispatched.length, 'every event');
    await second.stop();

    const result = account(producer.dispatched, [...first.delivered, ...second.delivered]);
    report(`restart-graceful-${kind}`, { dispatched: producer.dispatched.length, bufferedWhileDown: producer.dispatched.length - whileDown, lost: result.lost.length, duplicates: result.duplicates.length });
    expect(result.lost).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(emu.stats.identifies).toBe(1);
    expect(emu.stats.resumes).toBe(1);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
  });

  it('crash: SIGKILL and a new process RESUMEs from the last flush — 0 lost; duplicates only the events after that flush', async () => {
    const store = await setUp(kind);
    const first = botProcess('first', store);
    await first.started();
    const producer = new Producer(emu, [0]);
    producer.start();
    await first.until(() => first.delivered.length >= 300, '300 events');
    await first.kill();
    const flushed = await storedSeq(store);
    await sleep(100);
    const second = botProcess('second', store);
    await second.started();
    await second.until(() => second.delivered.length >= 100, '100 events');
    producer.stop();
    await second.until(() => new Set([...first.delivered, ...second.delivered].map((e) => e.id)).size >= producer.dispatched.length, 'every event');
    await second.stop();

    const result = account(producer.dispatched, [...first.delivered, ...second.delivered]);
    const afterFlush = first.delivered.filter((event) => event.seq > flushed);
    const spanMs = afterFlush.length > 0 ? (afterFlush.at(-1)?.at ?? 0) - (afterFlush[0]?.at ?? 0) : 0;
    report(`restart-crash-${kind}`, { flushIntervalMs: flushMs, dispatched: producer.dispatched.length, lost: result.lost.length, duplicates: result.duplicates.length, duplicatesSpanMs: spanMs });
    expect(result.lost).toEqual([]);
    expect(result.unexpected).toEqual([]);
    // The duplicates are exactly what the killed process delivered after its last flush: the replay
    // from the stored seq, nothing else.
    expect(result.duplicates.map((event) => event.id).sort()).toEqual(afterFlush.map((event) => event.id).sort());
    expect(emu.stats.identifies).toBe(1);
  });
});
