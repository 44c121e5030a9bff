/**
 * Issue 8, part 7 — load: heartbeats stay on time while events flood in and while a subscriber does
 * slow async work. Real time (a heartbeat is a timer against the wall clock); the emulator stamps
 * each heartbeat as it arrives, and the jitter is the interval between two heartbeats minus the
 * heartbeat_interval it announced in Hello.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { percentile, report, round, sized, timeoutFor } from './support/scale.js';
import { startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

const INTERVAL = 250;
const phaseMs = sized({ ci: 2_500, full: 10_000, soak: 60_000 });

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('load: heartbeats on time', () => {
  it(
    `idle, under an event flood, and with a slow async subscriber (${phaseMs / 1000} s each): heartbeat jitter stays small, no zombie false alarm`,
    async () => {
      fixture = await startBotOnEmulator({ emulator: { heartbeatInterval: INTERVAL } });
      const { emu, bot } = fixture;
      await bot.start();
      const connection = emu.connections[0]!;

      // Stamp every heartbeat the moment the emulator receives it (the observer runs synchronously).
      const arrivals: number[] = [];
      let stop = false;
      const tap = emu.waitFor(
        () => {
          while (arrivals.length < connection.heartbeats.length) arrivals.push(performance.now());
          return stop;
        },
        { timeoutMs: 3_600_000, description: 'the end of the load test' },
      );
      tap.catch(() => undefined);

      let received = 0;
      bot.events$.subscribe(() => received++);
      const phases: Record<string, { from: number; to: number; events: number }> = {};
      const phase = async (name: string, body: (until: number) => Promise<number>) => {
        const from = performance.now();
        const before = received;
        const sent = await body(from + phaseMs);
        // let the last events drain before the next phase
        await emu.waitFor(() => received - before >= sent, { timeoutMs: 60_000, description: `${name}: every event delivered` });
        phases[name] = { from, to: performance.now(), events: received - before };
      };

      await phase('idle', async (until) => {
        await sleep(until - performance.now());
        return 0;
      });

      await phase('flood', async (until) => {
        let sent = 0;
        while (performance.now() < until) {
          for (let i = 0; i < 100; i++) emu.c2cMessage({ content: `flood ${sent++}` });
          await new Promise((resolve) => setImmediate(resolve));
        }
        return sent;
      });

      // A subscriber that awaits slow work for every event (its promises pile up), at a steady rate.
      let pending = 0;
      let maxPending = 0;
      const slow = bot.events$.subscribe(async () => {
        pending += 1;
        maxPending = Math.max(maxPending, pending);
        await sleep(20 + Math.random() * 180);
        pending -= 1;
      });
      await phase('slow subscriber', async (until) => {
        let sent = 0;
        while (performance.now() < until) {
          for (let i = 0; i < 20; i++) emu.c2cMessage({ content: `steady ${sent++}` });
          await sleep(10);
        }
        return sent;
      });
      slow.unsubscribe();
      stop = true;
      emu.sendHeartbeatRequest(); // any change ends the tap

      const figures: Record<string, unknown> = { heartbeatIntervalMs: INTERVAL, phaseSeconds: phaseMs / 1000 };
      let worst = 0;
      for (const [name, { from, to, events }] of Object.entries(phases)) {
        const inPhase = arrivals.filter((at) => at >= from && at <= to);
        const deviations = inPhase.slice(1).map((at, i) => at - inPhase[i]! - INTERVAL);
        const late = deviations.map((d) => Math.abs(d));
        worst = Math.max(worst, ...late);
        figures[name] = {
          events,
          eventsPerSecond: Math.round(events / ((to - from) / 1000)),
          heartbeats: inPhase.length,
          jitterMs: { p50: round(percentile(late, 50)), p99: round(percentile(late, 99)), max: round(Math.max(0, ...late)) },
          meanIntervalMs: round(deviations.reduce((a, b) => a + b, 0) / Math.max(1, deviations.length) + INTERVAL),
        };
        expect(inPhase.length, `${name}: heartbeats`).toBeGreaterThanOrEqual(Math.floor(((to - from) / INTERVAL) * 0.8));
      }
      figures['slowSubscriberMaxPending'] = maxPending;
      figures['connections'] = emu.connections.length;
      figures['timeouts'] = fixture.logs.lines.filter((line) => line.includes('"code":"TIMEOUT"')).length;
      report('load', figures);

      // No zombie false alarm: the one connection carried the whole test.
      expect(emu.connections).toHaveLength(1);
      expect(figures['timeouts']).toBe(0);
      // On time: no heartbeat more than half an interval late (a zombie is declared after a whole one).
      expect(worst).toBeLessThan(INTERVAL / 2);
      expect(maxPending).toBeGreaterThan(1);
    },
    timeoutFor({ ci: 60_000, full: 120_000, soak: 600_000 }),
  );
});
