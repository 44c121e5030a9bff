/**
 * Issue 13: a burst of resumable faults in REAL time (no simulated clock) against the emulator, while
 * events flow. The bot runs with the library's own reconnect schedule (no timing overrides), so the
 * schedule is what is measured: with the old policy (escalate on every disconnect) the fourth fault
 * already waited 5 s.
 *
 * Fault kinds, all resumable:
 * - `close-4009`: the platform closes with 4009 (session timed out);
 * - `drop`: TCP cut without a close frame (the bot sees 1006);
 * - `op7`: op 7 Reconnect;
 * - `zombie`: the platform stops answering (no ACKs, no dispatches) with the socket open; only the
 *   bot's heartbeat can notice (two intervals at most);
 * - `close-4009-mid-replay`: close 4009, and when the bot RESUMEs, the platform replays half of what
 *   it buffered and closes with 4009 again: the second attempt fails before RESUMED (a failed attempt,
 *   which the first time is retried at once too, machines/reconnect-policy.ts).
 *
 * A fault's recovery is the time from the fault (the first close, for the two-step one) to the
 * moment the emulator sends RESUMED on a later connection (measured in the emulator, synchronously,
 * as it writes the frame). Events: C2C messages numbered 0 … n−1 in their content; the subscriber
 * checks each arrives once and in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createBot, type Bot } from '../../../src/bot.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { OpCode } from '../../../src/protocol/opcodes.js';
import { appId, captureLogs, secret } from '../../support/bot-fixture.js';
import { prng } from './scale.js';

export const burstFaultKinds = ['close-4009', 'drop', 'op7', 'zombie', 'close-4009-mid-replay'] as const;
export type BurstFaultKind = (typeof burstFaultKinds)[number];

export interface BurstOptions {
  faults: number;
  events: number;
  /**
   * Gap between one fault and the next, drawn uniformly from [min, max] ms; never less than two heartbeat
   * intervals after the previous recovery, so that each session has had the time to prove itself healthy
   * (one interval, then the ACK). A fault before that is, by design, a failed attempt: the schedule
   * escalates on those (machines/reconnect-policy.ts), or a platform could make the bot hot-loop.
   */
  gapMs: readonly [number, number];
  heartbeatIntervalMs: number;
  seed: number;
}

export interface FaultRecord {
  kind: BurstFaultKind;
  /** performance.now() of the fault. */
  at: number;
  /** Fault → RESUMED on a later connection, ms; null if it never came. */
  recoveryMs: number | null;
  /** Connections the bot opened for this recovery. */
  connections: number;
  /** Each connection of this recovery: opened how long after the fault (ms), and how it closed, e.g. `+12 4009`. */
  timeline: string[];
}

export interface BurstResult {
  faults: FaultRecord[];
  eventsSent: number;
  received: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  identifies: number;
  readies: number;
  /** The most failed attempts in a row the shard reached (bot.state): 1 means no reconnect ever waited past the first step. */
  maxFailedAttempts: number;
  resumes: number;
  connections: number;
  realSeconds: number;
}

/** The live connection of shard 0 (the one attached to its session). */
function liveConnection(emu: Emulator) {
  const session = [...emu.sessions.values()].find((s) => s.resumable && s.connectionId !== undefined);
  return session === undefined ? undefined : emu.connections.find((c) => c.id === session.connectionId && !c.closed);
}

export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const rng = prng(options.seed);
  const emu = await startEmulator({
    appId,
    secret,
    heartbeatInterval: options.heartbeatIntervalMs,
    replayBufferSize: options.events + 1_000,
  });
  const logs = captureLogs('warn');
  // Library defaults for every delay: the reconnect schedule under test is the real one.
  const bot: Bot = createBot({ appId, secret, intents: ['GROUP_AND_C2C_EVENT'], tokenUrl: emu.tokenUrl, apiBase: emu.apiBase, logger: logs.logger });
  let received = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let next = 0;
  const seen = new Uint8Array(options.events);
  bot.on('C2C_MESSAGE_CREATE').subscribe((event) => {
    const n = Number(/^burst (\d+)$/.exec(String((event.data as { content?: unknown }).content))?.[1] ?? -1);
    if (n < 0 || n >= options.events) return;
    if (seen[n] === 1) {
      duplicated += 1;
      return;
    }
    seen[n] = 1;
    received += 1;
    if (n !== next) outOfOrder += 1;
    next = n + 1;
  });

  let maxFailedAttempts = 0;
  bot.state$.subscribe((state) => {
    for (const shard of state.shards) maxFailedAttempts = Math.max(maxFailedAttempts, shard.failedAttempts);
  });
  const startedAt = performance.now();
  let sent = 0;
  const send = (count: number) => {
    for (let i = 0; i < count && sent < options.events; i++, sent++) emu.c2cMessage({ content: `burst ${sent}` });
  };
  const faults: FaultRecord[] = [];
  try {
    await bot.start();
    // Events at a steady rate over the expected length of the run.
    const expectedMs = options.faults * ((options.gapMs[0] + options.gapMs[1]) / 2) + 1_000;
    const perTick = Math.max(1, Math.ceil(options.events / (expectedMs / 10)));
    let pacing = true;
    const pacer = (async () => {
      while (pacing && sent < options.events) {
        send(perTick);
        await sleep(10);
      }
    })();

    // Every kind equally often, in a seeded order.
    const kinds = Array.from({ length: options.faults }, (_, i) => burstFaultKinds[i % burstFaultKinds.length]!);
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }

    await sleep(options.gapMs[0]);
    for (const kind of kinds) {
      // No live connection 10 s after the last fault: the bot is stuck in a backoff; stop and report.
      const fault = await injectAndRecover(emu, kind, () => send(4)).catch(() => null);
      if (fault === null) break;
      faults.push(fault);
      const gap = options.gapMs[0] + rng.next() * (options.gapMs[1] - options.gapMs[0]);
      await sleep(Math.max(2 * options.heartbeatIntervalMs, gap - (fault.recoveryMs ?? gap)));
    }
    pacing = false;
    await pacer;
    send(options.events - sent);
    const deadline = performance.now() + 15_000;
    while (received + duplicated < options.events && performance.now() < deadline) await sleep(20);
    await sleep(200); // late duplicates, if any, would arrive now
  } finally {
    await bot.stop();
    await emu.close();
  }
  return {
    faults,
    eventsSent: sent,
    received,
    lost: options.events - received,
    duplicated,
    outOfOrder,
    identifies: emu.stats.identifies,
    readies: emu.connections.filter((c) => c.sent.some((f) => f.op === OpCode.Dispatch && f.t === 'READY')).length,
    maxFailedAttempts,
    resumes: emu.stats.resumes,
    connections: emu.connections.length,
    realSeconds: (performance.now() - startedAt) / 1000,
  };
}

/** Injects one fault on the live connection and waits (at most 10 s) for RESUMED on a later one. */
async function injectAndRecover(emu: Emulator, kind: BurstFaultKind, dispatchSome: () => void): Promise<FaultRecord> {
  const live = await emu.waitFor(() => liveConnection(emu), { timeoutMs: 10_000, description: 'a live connection to fault' });
  const after = live.id;
  const target = { connection: live.id };
  // RESUMED on a connection after the faulted one, noticed as the emulator records the frame; and when
  // each new connection appeared (same clock as the fault: performance.now()).
  let resumedAt: number | null = null;
  const seenAt = new Map<number, number>();
  const recovered = emu
    .waitFor(
      () => {
        for (let i = emu.connections.length - 1; i >= 0 && emu.connections[i]!.id > after; i--) {
          if (!seenAt.has(emu.connections[i]!.id)) seenAt.set(emu.connections[i]!.id, performance.now());
          if (emu.connections[i]!.sent.some((f) => f.op === OpCode.Dispatch && f.t === 'RESUMED')) return (resumedAt ??= performance.now());
        }
        return undefined;
      },
      { timeoutMs: 10_000, description: `RESUMED after ${kind}` },
    )
    .catch(() => null);
  const at = performance.now();
  switch (kind) {
    case 'close-4009':
      emu.closeSession(4009, target);
      break;
    case 'drop':
      emu.dropConnection(target);
      break;
    case 'op7':
      emu.sendReconnect(target);
      break;
    case 'zombie':
      emu.zombie(target);
      break;
    case 'close-4009-mid-replay':
      armMidReplayCut(emu, after);
      emu.closeSession(4009, target);
      dispatchSome(); // buffered for the session: the replay has something to cut
      break;
  }
  await recovered;
  const timeline = emu.connections
    .filter((c) => c.id > after)
    .map((c) => `+${seenAt.has(c.id) ? Math.round(seenAt.get(c.id)! - at) : '?'}${c.closed ? ` ${c.closed.code}` : ''}`);
  return { kind, at, recoveryMs: resumedAt === null ? null : resumedAt - at, connections: emu.connections.length - after, timeline };
}

/**
 * When the bot's next RESUME arrives (the emulator reports the frame before it answers it), READY/
 * RESUMED is held; then the first half of the replay goes out and the connection closes with 4009.
 */
function armMidReplayCut(emu: Emulator, after: number): void {
  void emu
    .waitFor(
      () => {
        const connection = emu.connections.find((c) => c.id > after && !c.closed && c.received.some((f) => f.op === OpCode.Resume));
        if (!connection) return undefined;
        emu.holdReady();
        const resume = connection.received.find((f) => f.op === OpCode.Resume)?.d as { session_id: string; seq: number };
        queueMicrotask(() => {
          const session = emu.sessions.get(resume.session_id);
          const replay = session?.buffer.filter((entry) => entry.s > resume.seq) ?? [];
          for (const entry of replay.slice(0, Math.ceil(replay.length / 2))) emu.sendRaw(JSON.stringify(entry.frame), { connection: connection.id });
          emu.closeSession(4009, { connection: connection.id });
          emu.releaseReady();
        });
        return connection;
      },
      { timeoutMs: 10_000, description: 'the RESUME to cut' },
    )
    .catch(() => undefined);
}
