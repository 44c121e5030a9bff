/**
 * The chaos run of issue 8: dispatch events on several shards while injecting random faults, then
 * account for every event. Used by chaos.test.ts (figures, exactly-once) and secrets.test.ts.
 *
 * Accounting (see docs/reliability.md):
 * - The platform numbers each session's dispatches 2, 3, 4 … and replays everything after the seq a
 *   RESUME names. It never replays a session into a new one: after op 9 d=false, 4006/4007/49xx or
 *   a fresh IDENTIFY, what the old session had not delivered is gone, on the real platform too.
 * - So, per session, the subscriber must see a gap-free, duplicate-free, ordered prefix of that
 *   session's dispatches; for the session alive at the end, all of them; and every dispatch the
 *   emulator wrote to a socket before a non-resumable fault hit that (healthy) socket.
 * - What a session the platform killed had not yet delivered (its tail), and events dispatched while
 *   a shard had no session at all, are reported as dropped by the platform, never hidden: sessions
 *   may end only for the kills we injected (checked), so a bug that re-identifies needlessly would
 *   show up as an unexplained session, not as a platform drop.
 */
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import type { AnyActorRef } from 'xstate';
import { createBot, type Bot } from '../../../src/bot.js';
import { startEmulator, type ConnectionRecord, type Emulator } from '../../../src/emulator/index.js';
import { c2cMessagePayload, guildAtMessagePayload } from '../../../src/emulator/payloads.js';
import { DEFAULT_BOT_USER } from '../../../src/emulator/emulator.js';
import { OpCode } from '../../../src/protocol/opcodes.js';
import type { DisconnectCause, ReconnectPlan } from '../../../machines/shard.machine.js';
import { appId, secret } from '../../support/bot-fixture.js';
import { maxOf, percentile, prng, round, type Rng } from './scale.js';
import { SimDriver } from './sim-driver.js';

export interface ChaosOptions {
  events: number;
  faults: number;
  shards: number;
  /** Mean simulated time between two faults (bot-wide). */
  meanFaultGapMs: number;
  seed: number;
  /** Hello heartbeat_interval (simulated ms). The platform's is 41250. */
  heartbeatInterval?: number;
  /** Access-token lifetime, simulated seconds. */
  tokenTtl?: number;
  stepMs?: number;
  logger?: Logger;
}

export const faultWeights = {
  'close-4009': 12,
  'close-resumable': 8,
  drop: 14,
  zombie: 7,
  'acks-suspended': 4,
  op7: 12,
  'op9-resumable': 7,
  'close-4008': 2,
  'mid-resume': 10,
  'mid-identify': 4,
  'op9-not-resumable': 5,
  'close-identify': 5,
  'token-revoked-4004': 5,
  'token-endpoint': 5,
} as const;

export type FaultKind = keyof typeof faultWeights;
/** The kinds whose first step is a non-resumable fault (the platform drops the session). */
const killKinds: ReadonlySet<FaultKind> = new Set(['op9-not-resumable', 'close-identify', 'mid-identify']);

const resumableCloseCodes = [1000, 1001, 1011, 4000, 4009];
const identifyCloseCodes = [4006, 4007, 4900, 4905, 4913];
const tokenFaultKinds = ['5xx', 'timeout', 'error-code', 'bad-json', 'slow'] as const;

interface Dispatched {
  shard: number;
  n: number;
  at: number;
  delivered: boolean;
}

interface Seen {
  count: number;
  shard: number;
  seq: number | null;
  at: number;
}

interface KillBoundary {
  connection: number;
  sentBefore: number;
}

export interface ChaosResult {
  figures: Record<string, unknown>;
  /** Every problem found; empty when exactly-once held. */
  problems: string[];
  lost: number;
  duplicated: number;
  outOfOrder: number;
  emu: Emulator;
  tokens: string[];
}

const eventTypeFor = (shard: number): string => (shard % 2 === 0 ? 'C2C_MESSAGE_CREATE' : 'AT_MESSAGE_CREATE');

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const rng = prng(options.seed);
  const stepMs = options.stepMs ?? 1_000;
  const heartbeatInterval = options.heartbeatInterval ?? 41_250;
  const driver = new SimDriver({ stepMs });
  const emu = await startEmulator({
    appId,
    secret,
    shards: options.shards,
    heartbeatInterval,
    tokenTtl: options.tokenTtl ?? 120,
    now: driver.emulatorNow,
    replayBufferSize: 10_000_000,
    sessionStartLimit: { maxConcurrency: 1, total: 1000 },
  });
  const bot = createBot({
    appId,
    secret,
    intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    clock: driver.clock,
    timing: { http: { tokenMs: 300, gatewayMs: 2_000 } },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  driver.attach(bot);
  const run = new ChaosRun(options, rng, driver, emu, bot);
  try {
    return await run.execute();
  } finally {
    run.unsubscribe();
    await bot.stop();
    await emu.close();
  }
}

class ChaosRun {
  readonly dispatched = new Map<string, Dispatched>();
  readonly seen = new Map<string, Seen>();
  readonly order: string[][] = [];
  readonly killBoundaries: KillBoundary[] = [];
  readonly faultCounts: Record<string, number> = {};
  readonly faultMisses: Record<string, number> = {};
  readonly errorsByCode: Record<string, number> = {};
  readonly disconnects: Array<{ shard: number; cause: DisconnectCause; plan: ReconnectPlan; hadSession: boolean }> = [];
  readonly offline: number[] = [];
  readonly zombieDetection: number[] = [];
  readonly hasSession: boolean[] = [];
  readonly readySince: Array<number | null> = [];
  readonly offlineSince: Array<number | null> = [];
  readonly zombieAt = new Map<number, number>();
  /** What happened during each shard's current offline stretch, and during the longest one. */
  readonly offlineSteps: string[][] = [];
  longestOffline: { shard: number; ms: number; steps: string[] } = { shard: -1, ms: 0, steps: [] };
  readonly subscriptions: Subscription[] = [];
  readonly unhooks: Array<() => void> = [];
  faultsUsed = 0;
  tokenRevocations = 0;
  tap: { cancelled: boolean; armedAt: number; done: boolean } | null = null;
  tapsMissed = 0;
  nextEvent: number[] = [];

  constructor(
    readonly options: ChaosOptions,
    readonly rng: Rng,
    readonly driver: SimDriver,
    readonly emu: Emulator,
    readonly bot: Bot,
  ) {
    for (let shard = 0; shard < options.shards; shard++) {
      this.order.push([]);
      this.hasSession.push(false);
      this.readySince.push(null);
      this.offlineSince.push(null);
      this.nextEvent.push(0);
      this.offlineSteps.push([]);
    }
  }

  unsubscribe(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const unhook of this.unhooks) unhook();
  }

  async execute(): Promise<ChaosResult> {
    const { bot, driver, options } = this;
    this.subscriptions.push(
      bot.events$.subscribe((event) => this.onEvent(event.id, event.shard, event.seq)),
      bot.errors$.subscribe((error) => {
        this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
      }),
      bot.state$.subscribe((state) => {
        for (const shard of state.shards) this.onShardReady(shard.id, shard.ready);
      }),
    );
    const started = bot.start();
    started.catch(() => undefined);
    await driver.until(() => bot.state.status === 'running' || bot.state.status === 'failed', {
      maxSimMs: 120_000,
      description: 'the bot to start',
    });
    await started;
    this.hookShards();

    // Spread the events and the faults over the run: a multinomial draw of events per step, and
    // the fault steps drawn uniformly; a fault whose shard is not ready waits for the next step.
    const totalSteps = Math.max(1, Math.ceil((options.faults * options.meanFaultGapMs) / driver.stepMs));
    const perStep = new Uint32Array(totalSteps);
    for (let i = 0; i < options.events; i++) perStep[this.rng.int(totalSteps)]! += 1;
    const faultSteps = Array.from({ length: options.faults }, () => this.rng.int(totalSteps)).sort((a, b) => a - b);
    let dueFaults = 0;
    let faultCursor = 0;
    for (let step = 0; step < totalSteps || this.faultsUsed < options.faults; step++) {
      if (step < totalSteps) {
        for (let i = 0; i < perStep[step]!; i++) this.dispatchOne(this.rng.int(options.shards));
        while (faultCursor < faultSteps.length && faultSteps[faultCursor]! <= step) {
          faultCursor += 1;
          dueFaults += 1;
        }
      } else if (dueFaults === 0 && this.faultsUsed < options.faults) {
        dueFaults = options.faults - this.faultsUsed;
      }
      if (step > totalSteps * 20 + 10_000) {
        throw new Error(`chaos: faults could not be placed: used ${this.faultsUsed}, due ${dueFaults}, states ${JSON.stringify(this.bot.state.shards.map((s) => [s.state, s.lastDisconnect, s.error]))}, tap ${JSON.stringify(this.tap)}`);
      }
      this.expireTap();
      while (dueFaults > 0 && this.faultsUsed < options.faults) {
        const used = this.injectFault();
        if (used === 0) break;
        dueFaults = Math.max(0, dueFaults - used);
      }
      await driver.step();
    }
    return this.finish();
  }

  // ---- events --------------------------------------------------------------------------------------

  dispatchOne(shard: number): void {
    const n = this.nextEvent[shard]!++;
    const id = `chaos:${shard}:${n}`;
    const ctx = { now: this.emu.now(), appId, botUser: DEFAULT_BOT_USER };
    const content = `${shard}:${n}`;
    const data = shard % 2 === 0 ? c2cMessagePayload({ content }, ctx) : guildAtMessagePayload({ content }, ctx);
    const result = this.emu.dispatch(eventTypeFor(shard), data, { shard, id });
    this.dispatched.set(id, { shard, n, at: this.driver.now(), delivered: result.delivered });
  }

  onEvent(id: string | null, shard: number, seq: number | null): void {
    if (id === null) return;
    const seen = this.seen.get(id);
    if (seen) seen.count += 1;
    else this.seen.set(id, { count: 1, shard, seq, at: this.driver.now() });
    this.order[shard]?.push(id);
  }

  onShardReady(shard: number, ready: boolean): void {
    const now = this.driver.now();
    if (ready && this.readySince[shard] === null) {
      this.readySince[shard] = now;
      const since = this.offlineSince[shard];
      if (since !== null && since !== undefined) {
        this.offline.push(now - since);
        if (now - since > this.longestOffline.ms) this.longestOffline = { shard, ms: now - since, steps: this.offlineSteps[shard]! };
      }
      this.offlineSince[shard] = null;
      this.offlineSteps[shard] = [];
    } else if (!ready && this.readySince[shard] !== null) {
      this.readySince[shard] = null;
      this.offlineSince[shard] = now;
      const zombieAt = this.zombieAt.get(shard);
      if (zombieAt !== undefined) {
        this.zombieDetection.push(now - zombieAt);
        this.zombieAt.delete(shard);
      }
    }
  }

  hookShards(): void {
    for (let shard = 0; shard < this.options.shards; shard++) {
      const actor = this.bot.actor.system.get(`shard-${shard}`) as AnyActorRef | undefined;
      if (!actor) throw new Error(`shard ${shard} not found`);
      this.hasSession[shard] = true;
      const onReady = actor.on('shard.ready', () => {
        this.hasSession[shard] = true;
      });
      const onDisconnect = actor.on('shard.disconnected', (event: { cause: DisconnectCause; plan: ReconnectPlan }) => {
        this.disconnects.push({ shard, cause: event.cause, plan: event.plan, hadSession: this.hasSession[shard]! });
        const cause = event.cause.kind === 'close' ? `close ${event.cause.code}` : event.cause.kind === 'invalid-session' ? `op 9 ${event.cause.resumable}` : event.cause.kind;
        this.offlineSteps[shard]?.push(`+${Math.round((this.driver.now() - (this.offlineSince[shard] ?? this.driver.now())) / 1000)}s ${cause} → ${event.plan.step}`);
        if (event.plan.step === 'identify') this.hasSession[shard] = false;
      });
      this.unhooks.push(() => onReady.unsubscribe(), () => onDisconnect.unsubscribe());
    }
  }

  // ---- faults --------------------------------------------------------------------------------------

  /** The live connection attached to the shard's current session, when the bot is ready on it. */
  liveConnection(shard: number): ConnectionRecord | undefined {
    if (!this.bot.state.shards.find((s) => s.id === shard)?.ready) return undefined;
    const sessions = [...this.emu.sessions.values()].filter((s) => s.shard[0] === shard && s.resumable);
    const session = sessions.at(-1);
    if (!session || session.connectionId === undefined) return undefined;
    const connection = this.emu.connections.find((c) => c.id === session.connectionId);
    return connection && !connection.closed ? connection : undefined;
  }

  /** Injects the next fault. Returns how many faults it used (0: nothing could be done now). */
  injectFault(): number {
    const { options, rng, emu } = this;
    // A shard whose socket is already a zombie is left alone until the bot has noticed.
    const readyShards = Array.from({ length: options.shards }, (_, shard) => shard).filter((shard) => !this.zombieAt.has(shard) && this.liveConnection(shard));
    if (readyShards.length === 0) return 0;
    let kind = rng.weighted(faultWeights);
    const twoStep = kind === 'mid-resume' || kind === 'mid-identify';
    if (twoStep && (this.tap !== null || options.faults - this.faultsUsed < 2)) kind = 'close-4009';
    const shard = rng.pick(readyShards);
    const connection = this.liveConnection(shard)!;
    const target = { connection: connection.id };
    let used = 1;
    switch (kind) {
      case 'close-4009':
        emu.closeSession(4009, target);
        break;
      case 'close-resumable':
        emu.closeSession(rng.pick(resumableCloseCodes), target);
        break;
      case 'drop':
        emu.dropConnection(target);
        break;
      case 'zombie':
        emu.zombie(target);
        this.driver.block(shard);
        this.zombieAt.set(shard, this.driver.now());
        break;
      case 'acks-suspended':
        emu.suspendHeartbeatAcks(target);
        this.driver.block(shard);
        this.zombieAt.set(shard, this.driver.now());
        break;
      case 'op7':
        emu.sendReconnect(target);
        break;
      case 'op9-resumable':
        emu.sendInvalidSession(true, target);
        break;
      case 'close-4008':
        emu.closeSession(4008, target);
        break;
      case 'op9-not-resumable':
        this.killBoundaries.push({ connection: connection.id, sentBefore: connection.sent.length });
        emu.sendInvalidSession(false, target);
        break;
      case 'close-identify':
        this.killBoundaries.push({ connection: connection.id, sentBefore: connection.sent.length });
        emu.closeSession(rng.pick(identifyCloseCodes), target);
        break;
      case 'token-revoked-4004':
        // The platform revokes every token: the bot cannot know until the gateway says 4004.
        this.tokenRevocations += 1;
        if (rng.next() < 0.5) emu.failTokenEndpoint(1 + rng.int(3), rng.pick(tokenFaultKinds), { delayMs: 50 + rng.int(400) });
        emu.expireTokens();
        emu.closeSession(4004, target);
        break;
      case 'token-endpoint':
        emu.failTokenEndpoint(1 + rng.int(4), rng.pick(tokenFaultKinds), { status: rng.pick([500, 502, 503, 429]), delayMs: 50 + rng.int(400) });
        break;
      case 'mid-resume': {
        // Cause a resumable disconnect, then fault the new connection right after its RESUME arrived.
        const sessionId = connection.sessionId;
        this.armTap(shard, connection.id, (frame) => frame.op === OpCode.Resume && (frame.d as { session_id?: string })?.session_id === sessionId, [
          'drop',
          'close-4009',
          'op9-resumable',
          'zombie',
        ]);
        const how = rng.pick(['drop', 'op7', 'close-4009'] as const);
        if (how === 'drop') emu.dropConnection(target);
        else if (how === 'op7') emu.sendReconnect(target);
        else emu.closeSession(4009, target);
        used = 2;
        break;
      }
      case 'mid-identify': {
        // op 9 d=false, then fault the new connection right after its IDENTIFY arrived.
        this.killBoundaries.push({ connection: connection.id, sentBefore: connection.sent.length });
        this.armTap(shard, connection.id, (frame) => frame.op === OpCode.Identify && (frame.d as { shard?: number[] })?.shard?.[0] === shard, [
          'drop',
          'close-4009',
          'zombie',
        ]);
        emu.sendInvalidSession(false, target);
        used = 2;
        break;
      }
    }
    this.faultCounts[kind] = (this.faultCounts[kind] ?? 0) + 1;
    this.faultsUsed += used;
    return used;
  }

  /**
   * Waits for the shard's next RESUME or IDENTIFY; the moment it arrives (synchronously, before the
   * emulator answers it) READY/RESUMED is held, then one fault hits that connection and the hold is
   * released: a fault in the middle of the handshake.
   */
  armTap(shard: number, afterConnection: number, matches: (frame: { op: number; d?: unknown }) => boolean, variants: readonly string[]): void {
    const { emu } = this;
    const tap = { cancelled: false, armedAt: this.driver.now(), done: false };
    this.tap = tap;
    const variant = this.rng.pick(variants);
    const kind = `${variants.includes('op9-resumable') ? 'mid-resume' : 'mid-identify'}:${variant}`;
    emu
      .waitFor(
        () => {
          if (tap.cancelled) return true;
          for (let i = emu.connections.length - 1; i >= 0; i--) {
            const connection = emu.connections[i]!;
            if (connection.id <= afterConnection) break;
            if (connection.closed || !connection.received.some(matches)) continue;
            emu.holdReady();
            queueMicrotask(() => {
              const target = { connection: connection.id };
              if (variant === 'drop') emu.dropConnection(target);
              else if (variant === 'close-4009') emu.closeSession(4009, target);
              else if (variant === 'op9-resumable') emu.sendInvalidSession(true, target);
              else {
                emu.zombie(target);
                this.driver.block(shard);
              }
              emu.releaseReady();
              this.faultCounts[kind] = (this.faultCounts[kind] ?? 0) + 1;
              tap.done = true;
            });
            return true;
          }
          return false;
        },
        { timeoutMs: 24 * 3600_000, description: 'a handshake to fault' },
      )
      .catch(() => undefined);
  }

  expireTap(): void {
    const tap = this.tap;
    if (!tap) return;
    if (tap.done) {
      this.tap = null;
      return;
    }
    if (this.driver.now() - tap.armedAt > 10 * 60_000) {
      tap.cancelled = true;
      this.tapsMissed += 1;
      this.tap = null;
    }
  }

  // ---- the end: heal, drain, account ----------------------------------------------------------------

  async finish(): Promise<ChaosResult> {
    const { emu, bot, driver, options } = this;
    if (this.tap) this.tap.cancelled = true;
    emu.releaseReady();
    emu.resumeHeartbeatAcks();
    const currentSession = (shard: number) => [...emu.sessions.values()].filter((s) => s.shard[0] === shard && s.resumable).at(-1);
    const drained = () =>
      Array.from({ length: options.shards }, (_, shard) => shard).every((shard) => {
        const state = bot.state.shards.find((s) => s.id === shard);
        const session = currentSession(shard);
        if (!state?.ready || !session || state.sessionId !== session.sessionId) return false;
        return session.buffer.every((entry) => entry.frame.id === undefined || this.seen.has(entry.frame.id as string));
      });
    const drainMs = await driver.until(drained, { maxSimMs: 30 * 60_000, description: 'every shard ready with its session drained' });
    // A little more time, so a late duplicate would have a chance to show.
    await driver.advance(5_000);

    const problems: string[] = [];
    // Which session and seq each of our events got (sessions in creation order).
    const sessionIndex = new Map<string, number>();
    const placed = new Map<string, { session: string; s: number }>();
    const recordedBySession = new Map<string, Array<{ s: number; id: string }>>();
    const finalSessions = new Set<string>();
    let index = 0;
    for (const session of emu.sessions.values()) {
      sessionIndex.set(session.sessionId, index++);
      const ours = session.buffer.filter((entry) => typeof entry.frame.id === 'string' && entry.frame.id.startsWith('chaos:'));
      recordedBySession.set(session.sessionId, ours.map((entry) => ({ s: entry.s, id: entry.frame.id as string })));
      for (const entry of ours) placed.set(entry.frame.id as string, { session: session.sessionId, s: entry.s });
    }
    for (let shard = 0; shard < options.shards; shard++) {
      const session = currentSession(shard);
      if (session) finalSessions.add(session.sessionId);
    }

    // Duplicates, phantoms and order (per shard: session creation order, then seq).
    let duplicated = 0;
    let phantom = 0;
    let wrongPlace = 0;
    for (const [id, seen] of this.seen) {
      if (seen.count > 1) duplicated += seen.count - 1;
      if (!this.dispatched.has(id)) phantom += 1;
      // the event came on its own shard with the seq the platform gave it
      const where = placed.get(id);
      if (where && (seen.seq !== where.s || seen.shard !== this.dispatched.get(id)?.shard)) wrongPlace += 1;
    }
    let outOfOrder = 0;
    for (const ids of this.order) {
      let previous: [number, number] | null = null;
      for (const id of ids) {
        const where = placed.get(id);
        if (!where) continue;
        const key: [number, number] = [sessionIndex.get(where.session)!, where.s];
        if (previous && (key[0] < previous[0] || (key[0] === previous[0] && key[1] <= previous[1]))) outOfOrder += 1;
        previous = key;
      }
    }

    // Lost: per session, the expected prefix (all of it for the live session) minus what was seen.
    let lost = 0;
    let recorded = 0;
    let droppedAbandoned = 0;
    let sessionsAbandoned = 0;
    let ghostSessions = 0;
    const mustSee = new Set<string>();
    for (const boundary of this.killBoundaries) {
      const connection = emu.connections.find((c) => c.id === boundary.connection);
      for (const frame of connection?.sent.slice(0, boundary.sentBefore) ?? []) {
        if (typeof frame.id === 'string' && frame.id.startsWith('chaos:')) mustSee.add(frame.id);
      }
    }
    const sawReady = new Set(emu.connections.filter((c) => c.sent.some((f) => f.t === 'READY')).map((c) => c.sessionId));
    for (const [sessionId, entries] of recordedBySession) {
      recorded += entries.length;
      const seenHere = entries.filter((entry) => this.seen.has(entry.id));
      const maxSeen = seenHere.reduce((max, entry) => Math.max(max, entry.s), 0);
      const final = finalSessions.has(sessionId);
      if (!final) sessionsAbandoned += 1;
      for (const entry of entries) {
        const expected = final || entry.s <= maxSeen || mustSee.has(entry.id);
        if (expected && !this.seen.has(entry.id)) {
          lost += 1;
          if (problems.length < 20) problems.push(`lost ${entry.id} (session ${sessionIndex.get(sessionId)}, s=${entry.s})`);
        }
        if (!expected) droppedAbandoned += 1;
      }
      if (!final && !sawReady.has(sessionId)) ghostSessions += 1;
    }
    const droppedNoSession = [...this.dispatched.values()].filter((d) => !d.delivered).length;
    if (recorded + droppedNoSession !== this.dispatched.size) {
      problems.push(`accounting: ${recorded} recorded + ${droppedNoSession} without a session ≠ ${this.dispatched.size} dispatched`);
    }
    if (duplicated > 0) problems.push(`${duplicated} duplicate deliveries`);
    if (outOfOrder > 0) problems.push(`${outOfOrder} events out of order`);
    if (phantom > 0) problems.push(`${phantom} events nobody dispatched`);
    if (wrongPlace > 0) problems.push(`${wrongPlace} events with another shard or seq than the platform gave them`);

    // Why sessions ended: only the kills we injected (and the 3-failed-resumes rule) may end one.
    const identifyPlans = this.disconnects.filter((d) => d.plan.step === 'identify' && d.hadSession);
    const resumableCauses = identifyPlans.filter((d) => !isKill(d.cause));
    const kills = Object.entries(this.faultCounts)
      .filter(([kind]) => killKinds.has(kind as FaultKind))
      .reduce((sum, [, count]) => sum + count, 0);
    if (resumableCauses.length > 0) {
      problems.push(`${resumableCauses.length} sessions abandoned after resumable faults: ${resumableCauses.map((d) => JSON.stringify(d.cause)).slice(0, 5).join(', ')}`);
    }
    if (identifyPlans.length > kills) problems.push(`${identifyPlans.length} sessions abandoned for ${kills} injected kills`);
    if (sessionsAbandoned > identifyPlans.length + ghostSessions) {
      problems.push(`${sessionsAbandoned} sessions ended, only ${identifyPlans.length} identify decisions and ${ghostSessions} ghost sessions explain them`);
    }

    const seenAt = [...this.seen.entries()].map(([id, seen]) => seen.at - (this.dispatched.get(id)?.at ?? seen.at));
    const resumesPlanned = this.disconnects.filter((d) => d.plan.step === 'resume' || d.plan.step === 'rate-limited' || d.plan.step === 'refresh-token').length;
    const figures = {
      shards: options.shards,
      eventsDispatched: this.dispatched.size,
      faultsInjected: this.faultsUsed,
      faultsByKind: this.faultCounts,
      received: this.seen.size,
      lost,
      duplicated,
      outOfOrder,
      phantom,
      wrongShardOrSeq: wrongPlace,
      droppedByPlatform: {
        noSession: droppedNoSession,
        killedSessionTail: droppedAbandoned,
        total: droppedNoSession + droppedAbandoned,
      },
      mustSeeBeforeKills: mustSee.size,
      emulator: {
        identifies: emu.stats.identifies,
        resumes: emu.stats.resumes,
        sessions: emu.sessions.size,
        connections: emu.connections.length,
        tokensIssued: emu.stats.tokensIssued,
        expiredTokenUses: emu.stats.expiredTokenUses,
        // 4008 the emulator sent on its own (IDENTIFY faster than max_concurrency), not the injected ones
        rateLimitedByPlatform: emu.connections.filter((c) => c.closed?.code === 4008 && c.closed.reason === 'rate limited').length,
      },
      tokenRevocations: this.tokenRevocations,
      decisions: {
        resume: resumesPlanned,
        identifyAfterKill: identifyPlans.length - resumableCauses.length,
        identifyAfterResumableFault: resumableCauses.length,
        ghostSessions,
      },
      longestGapMs: maxOf(this.offline),
      longestGap: this.longestOffline,
      offlineMs: { count: this.offline.length, p50: percentile(this.offline, 50), p99: percentile(this.offline, 99), max: maxOf(this.offline) },
      deliveryDelayMs: { p50: percentile(seenAt, 50), p99: percentile(seenAt, 99), max: maxOf(seenAt) },
      heartbeatIntervalMs: heartbeatIntervalOf(this.emu),
      zombieDetectionMs: { count: this.zombieDetection.length, max: maxOf(this.zombieDetection) },
      connectionsPerSimulatedMinuteMax: perMinuteMax(emu.connections.map((c) => c.openedAt)),
      handshakeFaultsMissed: this.tapsMissed,
      errorsByCode: this.errorsByCode,
      simulatedMinutes: round(driver.now() / 60_000, 1),
      drainSimulatedMs: drainMs,
      driver: { ...driver.stats },
    };
    return {
      figures,
      problems,
      lost,
      duplicated,
      outOfOrder,
      emu,
      tokens: emu.tokens.map((token) => token.value),
    };
  }
}

function heartbeatIntervalOf(emu: Emulator): number {
  const hello = emu.connections[0]?.sent.find((f) => f.op === OpCode.Hello)?.d as { heartbeat_interval?: number } | undefined;
  return hello?.heartbeat_interval ?? 0;
}

/** The most timestamps in any 60-second window. */
function perMinuteMax(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function isKill(cause: DisconnectCause): boolean {
  if (cause.kind === 'invalid-session') return !cause.resumable;
  if (cause.kind === 'close') return cause.code === 4006 || cause.code === 4007 || (cause.code >= 4900 && cause.code <= 4913);
  return false;
}
