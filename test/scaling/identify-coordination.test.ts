/**
 * Processes starting together share IDENTIFY pacing and the session budget through a real Redis:
 * the emulator enforces one IDENTIFY per bucket (`shard_id % max_concurrency`) per 5 s with 4008, and
 * refuses sessions past the budget with op 9 + 4903. Real processes, the client's real 5.5 s window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { report } from '../reliability/support/scale.js';
import { BotProcess } from './support/bot-process.js';
import { useRedisServer } from './support/redis-server.js';

let emu: Emulator;
const processes: BotProcess[] = [];

const redis = useRedisServer();

afterEach(async () => {
  for (const child of processes.splice(0)) if (!child.stopped) await child.kill().catch(() => undefined);
  await emu?.close();
});

/** Three processes of one bot, two shards each, every bucket wanted by two processes. */
function startThree(keyPrefix: string, coordinate: boolean): BotProcess[] {
  const sets = [[0, 1], [2, 3], [4, 5]];
  return sets.map((ids, k) => {
    const child = new BotProcess({
      name: `p${k}`,
      tokenUrl: emu.tokenUrl,
      apiBase: emu.apiBase,
      store: { kind: 'redis', url: redis.server.url, keyPrefix },
      shards: { ids, total: 6 },
      coordinate,
    });
    processes.push(child);
    return child;
  });
}

const refusals = () => ({
  rateLimited: emu.connections.filter((c) => c.closed?.code === 4008).length,
  budgetRefused: emu.connections.filter((c) => c.closed?.code === 4903).length,
});

describe('identify coordination through Redis', () => {
  it('3 processes × 2 shards starting together: every shard READY, 0 × 4008, one IDENTIFY per shard', async () => {
    emu = await startEmulator({ appId: '102000001', secret: 'emulator-secret-0123456789', shards: 6, heartbeatInterval: 1_000, sessionStartLimit: { maxConcurrency: 3, perBucket: true } });
    const started = Date.now();
    const three = startThree(`qq-test:start:${Date.now()}`, true);
    await Promise.all(three.map((child) => child.started(60_000)));
    const figures = { ...refusals(), identifies: emu.stats.identifies, startMs: Date.now() - started };
    report('identify-coordination-start', figures);
    expect(figures.rateLimited).toBe(0);
    expect(figures.identifies).toBe(6);
    // pacing on the wire: per bucket, IDENTIFYs at least 5 s apart
    const identifyTimes = new Map<number, number[]>();
    for (const connection of emu.connections) {
      const identify = connection.received.find((frame) => frame.op === 2);
      if (!identify) continue;
      const bucket = ((identify.d as { shard: [number, number] }).shard[0] ?? 0) % 3;
      identifyTimes.set(bucket, [...(identifyTimes.get(bucket) ?? []), connection.openedAt]);
    }
    for (const times of identifyTimes.values()) {
      expect(times).toHaveLength(2);
      expect(Math.abs((times[1] ?? 0) - (times[0] ?? 0))).toBeGreaterThanOrEqual(5_000);
    }
  }, 90_000);

  it('the session budget is shared: with 5 starts left for 6 shards, one process is refused by the coordinator, none by the platform', async () => {
    emu = await startEmulator({
      appId: '102000001',
      secret: 'emulator-secret-0123456789',
      shards: 6,
      heartbeatInterval: 1_000,
      sessionStartLimit: { maxConcurrency: 3, perBucket: true, total: 1000, remaining: 5 },
    });
    const keyPrefix = `qq-test:budget:${Date.now()}`;
    const three = startThree(keyPrefix, true);
    await Promise.all(three.map((child) => child.until(() => child.ready || child.failed !== null, 'ready or failed', 60_000)));
    const failed = three.filter((child) => child.failed);
    report('identify-coordination-budget', { ...refusals(), identifies: emu.stats.identifies, failedProcesses: failed.length });
    expect(refusals()).toEqual({ rateLimited: 0, budgetRefused: 0 });
    expect(failed).toHaveLength(1);
    // the two other processes are up (4 sessions); the failed one may have sent its granted shard's
    // IDENTIFY before it stopped, or not: at most 5 in all, never more than the budget
    expect(three.filter((child) => child.ready)).toHaveLength(2);
    expect(emu.stats.identifies).toBeGreaterThanOrEqual(4);
    expect(emu.stats.identifies).toBeLessThanOrEqual(5);
    expect(failed[0]?.failed?.code).toBe('SESSION_LIMIT');
    // the shared budget in Redis, seeded from session_start_limit.remaining, is spent exactly
    expect(await redis.client.get(`${keyPrefix}:identify:budget`)).toBe('0');
  }, 90_000);

  it('control: the same start without the coordinator gets 4008 from the platform', async () => {
    emu = await startEmulator({ appId: '102000001', secret: 'emulator-secret-0123456789', shards: 6, heartbeatInterval: 1_000, sessionStartLimit: { maxConcurrency: 3, perBucket: true } });
    const three = startThree(`qq-test:control:${Date.now()}`, false);
    await Promise.all(three.map((child) => child.until(() => child.ready || child.delivered.length > 0 || emu.connections.some((c) => c.closed?.code === 4008), '4008 or ready', 60_000)));
    expect(refusals().rateLimited).toBeGreaterThan(0);
  }, 90_000);
});
