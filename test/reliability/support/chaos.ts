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
import type { DisconnectCause, ReconnectPlan } from '../../../machines/reconnect-policy.js';
import { appId, secret } from '../../support/bot-fixture.js';
import { FaultEffects, type FaultRecord, type ShardDisconnect } from './fault-effects.js';
import { describeFault, faultKinds, killKinds, planChaos, type ChaosPlan, type FaultKind, type PlannedFault, type TapVariant } from './fault-plan.js';
import { describeSteps, gapBound, type GapStep } from './gap-bound.js';
import { maxOf, percentile, round } from './scale.js';
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

export { faultKinds, faultWeights, type FaultKind } from './fault-plan.js';

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
  /** Each injected fault and what it was seen to cause, in injection order. */
  faultSequence: string[];
  /** The plan drawn from the seed. */
  scheduledSequence: string[];
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
  const stepMs = options.stepMs ?? 1_000;
  const plan = planChaos({ ...options, stepMs });
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
  const run = new ChaosRun(options, plan, driver, emu, bot);
  try {
    return await run.execute();
  } finally {
    run.unsubscribe();
    await bot.stop();
    await emu.close();
  }
}

/** A fault waiting for the handshake it is meant to hit (mid-resume, mid-identify). */
interface Tap {
  record: FaultRecord;
  armedAt: number;
  cancelled: boolean;
  /** The connection the handshake fault hit, once it did. */
  hit: number | null;
}

class ChaosRun {
  readonly dispatched = new Map<string, Dispatched>();
  readonly seen = new Map<string, Seen>();
  readonly order: string[][] = [];
  readonly killBoundaries: KillBoundary[] = [];
  /** Faults injected, by kind (what the run did, not yet what took effect). */
  readonly injectedByKind: Record<string, number> = {};
  readonly tapVariants: Record<string, number> = {};
  readonly errorsByCode: Record<string, number> = {};
  readonly disconnects: ShardDisconnect[] = [];
  readonly offline: number[] = [];
  readonly zombieDetection: number[] = [];
  readonly hasSession: boolean[] = [];
  readonly readySince: Array<number | null> = [];
  readonly offlineSince: Array<number | null> = [];
  readonly zombieAt = new Map<number, number>();
  /** What happened during each shard's current offline stretch. */
  readonly offlineSteps: GapStep[][] = [];
  /** Each offline stretch, its length and the bound its steps allow (docs/reliability.md). */
  readonly stretches: Array<{ shard: number; ms: number; boundMs: number; steps: GapStep[] }> = [];
  readonly subscriptions: Subscription[] = [];
  readonly unhooks: Array<() => void> = [];
  readonly effects: FaultEffects;
  faultsUsed = 0;
  tokenRevocations = 0;
  readonly notInjected: string[] = [];
  tap: Tap | null = null;
  nextEvent: number[] = [];

  constructor(
    readonly options: ChaosOptions,
    readonly plan: ChaosPlan,
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
    this.effects = new FaultEffects(emu, this.disconnects, () => driver.now());
  }

  unsubscribe(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const unhook of this.unhooks) unhook();
  }

  async execute(): Promise<ChaosResult> {
    const { bot, driver, plan } = this;
    this.subscriptions.push(
      bot.events$.subscribe((event) => this.onEvent(event.id, event.shard, event.seq)),
      bot.errors$.subscribe((error) => {
        this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
        for (let shard = 0; shard < this.options.shards; shard++) {
          if (this.offlineSince[shard] !== null && error.code === 'TOKEN_ENDPOINT') this.offlineSteps[shard]?.push({ at: driver.now(), tokenFailure: true });
        }
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

    // Events go out at their planned step whatever happens. Faults go out in planned order, each at
    // its planned step or later: it waits until its shard is up on a live socket (and, for a
    // handshake fault, until the previous one has hit), so I/O timing moves a fault in time but
    // never changes which fault comes next, on which shard, with what.
    let eventCursor = 0;
    let faultCursor = 0;
    // A fault that cannot go out for 20 simulated minutes (its shard never comes back, or an earlier
    // fault on it never took effect) ends the schedule; the run then fails naming both.
    const maxWaitSteps = Math.ceil((20 * 60_000) / driver.stepMs);
    for (let step = 0; step < plan.totalSteps || faultCursor < plan.faults.length; step++) {
      if (step < plan.totalSteps) {
        for (let i = 0; i < plan.eventsPerStep[step]!; i++) this.dispatchOne(plan.eventShards[eventCursor++]!);
      }
      const next = plan.faults[faultCursor];
      if (next && step - next.step > maxWaitSteps) {
        const stuck = plan.faults.slice(faultCursor);
        this.notInjected.push(
          `fault ${describeFault(next)} could not be injected for ${maxWaitSteps * (driver.stepMs / 1000)} s after its step (shard states ${JSON.stringify(this.bot.state.shards.map((s) => s.state))}); ${stuck.length} faults never injected`,
        );
        if (step >= plan.totalSteps) break;
        faultCursor = plan.faults.length;
      }
      this.expireTap();
      while (faultCursor < plan.faults.length && plan.faults[faultCursor]!.step <= step && this.canInject(plan.faults[faultCursor]!)) {
        const fault = plan.faults[faultCursor]!;
        this.injectFault(fault);
        faultCursor += 1;
        // Nothing else this step after a revocation: the bot reads its 4004 before another shard reconnects.
        if (fault.kind === 'token-revoked-4004') break;
      }
      this.effects.check();
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
        const steps = this.offlineSteps[shard]!;
        this.stretches.push({ shard, ms: now - since, boundMs: gapBound(steps, this.options.shards), steps });
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
        const at = this.driver.now();
        this.disconnects.push({ shard, at, cause: event.cause, plan: event.plan, hadSession: this.hasSession[shard]! });
        // The stretch starts at this disconnect when the shard was up (ready turns false after it).
        this.offlineSteps[shard]?.push({ at, cause: event.cause, plan: event.plan, tokenLive: this.bot.state.token === 'live' });
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

  /** A fault waits for its shard to be up on a live socket no earlier fault hit, and for the previous handshake fault to have hit. */
  canInject(fault: PlannedFault): boolean {
    if (this.tap !== null && fault.variant !== undefined) return false;
    if (this.zombieAt.has(fault.shard)) return false;
    const live = this.liveConnection(fault.shard);
    if (live === undefined) return false;
    // A revocation waits until every shard is up: a shard in the middle of a handshake would send
    // the token it already took, before any 4004 could tell the bot (docs/reliability.md).
    if (fault.kind === 'token-revoked-4004' && !this.bot.state.shards.every((s) => s.ready)) return false;
    // The socket an earlier fault hit may still look live (the bot has not read the op 7 yet).
    return !this.effects.pending.some((r) => r.connection === live.id && r.fault.kind !== 'token-endpoint');
  }

  /** Injects one planned fault; its effect is then watched by `FaultEffects`. */
  injectFault(fault: PlannedFault): void {
    const { emu } = this;
    const shard = fault.shard;
    const connection = this.liveConnection(shard)!;
    const target = { connection: connection.id };
    const record = this.effects.injected(fault, connection);
    const queueTokenFailures = () => {
      const t = fault.tokenFailures;
      if (!t) return;
      this.effects.queueTokenFailures(record, t.count);
      emu.failTokenEndpoint(t.count, t.kind, { status: t.status, delayMs: t.delayMs });
    };
    switch (fault.kind) {
      case 'close-4009':
        emu.closeSession(4009, target);
        break;
      case 'close-resumable':
        emu.closeSession(fault.code!, target);
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
        emu.closeSession(fault.code!, target);
        break;
      case 'token-revoked-4004':
        // The platform revokes every token: the bot cannot know until the gateway says 4004.
        this.tokenRevocations += 1;
        queueTokenFailures();
        emu.expireTokens();
        emu.closeSession(4004, target);
        break;
      case 'token-endpoint':
        queueTokenFailures();
        break;
      case 'mid-resume': {
        // Cause a resumable disconnect, then fault the new connection right after its RESUME arrived.
        const sessionId = connection.sessionId;
        this.armTap(record, connection.id, (frame) => frame.op === OpCode.Resume && (frame.d as { session_id?: string })?.session_id === sessionId);
        if (fault.how === 'drop') emu.dropConnection(target);
        else if (fault.how === 'op7') emu.sendReconnect(target);
        else emu.closeSession(4009, target);
        break;
      }
      case 'mid-identify': {
        // op 9 d=false, then fault the new connection right after its IDENTIFY arrived.
        this.killBoundaries.push({ connection: connection.id, sentBefore: connection.sent.length });
        this.armTap(record, connection.id, (frame) => frame.op === OpCode.Identify && (frame.d as { shard?: number[] })?.shard?.[0] === shard);
        emu.sendInvalidSession(false, target);
        break;
      }
    }
    this.injectedByKind[fault.kind] = (this.injectedByKind[fault.kind] ?? 0) + 1;
    this.faultsUsed += fault.weight;
  }

  /**
   * Waits for the shard's next RESUME or IDENTIFY; the moment it arrives (synchronously, before the
   * emulator answers it) READY/RESUMED is held, then the planned fault hits that connection and the
   * hold is released: a fault in the middle of the handshake.
   */
  armTap(record: FaultRecord, afterConnection: number, matches: (frame: { op: number; d?: unknown }) => boolean): void {
    const { emu } = this;
    const shard = record.fault.shard;
    const variant = record.fault.variant as TapVariant;
    const tap: Tap = { record, armedAt: this.driver.now(), cancelled: false, hit: null };
    this.tap = tap;
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
              this.tapVariants[`${record.fault.kind}:${variant}`] = (this.tapVariants[`${record.fault.kind}:${variant}`] ?? 0) + 1;
              tap.hit = connection.id;
              this.effects.tapHit(record, connection.id, this.driver.now());
            });
            return true;
          }
          return false;
        },
        { timeoutMs: 24 * 3600_000, description: 'a handshake to fault' },
      )
      .catch(() => undefined);
  }

  /** A handshake fault that found no handshake in 10 simulated minutes is given up (and counts as without effect). */
  expireTap(): void {
    const tap = this.tap;
    if (!tap) return;
    if (tap.hit !== null) {
      this.tap = null;
      return;
    }
    if (this.driver.now() - tap.armedAt > 10 * 60_000) {
      tap.cancelled = true;
      this.tap = null;
    }
  }

  // ---- the end: heal, drain, account ----------------------------------------------------------------

  async finish(): Promise<ChaosResult> {
    const { emu, bot, driver, options } = this;
    // Every fault gets the time it needs to show its effect (a zombie takes two heartbeats, a queued
    // token failure waits for the next token request); what still has none after that fails the run.
    const effectsStartedAt = driver.now();
    try {
      await driver.until(
        () => {
          this.expireTap();
          this.effects.check();
          return this.effects.pending.length === 0;
        },
        { maxSimMs: 20 * 60_000, description: 'every fault to take effect' },
      );
    } catch {
      // reported below, fault by fault
    }
    const effectsWaitMs = driver.now() - effectsStartedAt;
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

    const problems: string[] = [...this.effects.problems(), ...this.notInjected];
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
    const kills = Object.entries(this.injectedByKind)
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
    // Faults: scheduled (the plan), injected, and taken effect, per kind.
    const faultsByKind: Record<string, { scheduled: number; injected: number; tookEffect: number }> = {};
    for (const kind of faultKinds) faultsByKind[kind] = { scheduled: 0, injected: 0, tookEffect: 0 };
    for (const fault of this.plan.faults) faultsByKind[fault.kind]!.scheduled += 1;
    for (const record of this.effects.records) {
      faultsByKind[record.fault.kind]!.injected += 1;
      if (record.effect) faultsByKind[record.fault.kind]!.tookEffect += 1;
    }
    const effectLatency = this.effects.records.filter((r) => r.effect).map((r) => r.effect!.at - r.injectedAt);
    const slowest = this.effects.records
      .filter((r) => r.effect)
      .reduce<FaultRecord | null>((best, r) => (best === null || r.effect!.at - r.injectedAt > best.effect!.at - best.injectedAt ? r : best), null);
    // Expired tokens: every use the emulator refused, with where and when.
    const injected4004 = new Set(this.effects.records.filter((r) => r.fault.kind === 'token-revoked-4004').map((r) => r.connection));
    const expiredTokenUses = [
      ...emu.connections
        .filter((c) => c.closed?.by === 'server' && c.closed.code === 4004 && !injected4004.has(c.id))
        .map((c) => ({ where: `gateway connection ${c.id}`, frame: c.received.some((f) => f.op === OpCode.Resume) ? 'RESUME' : 'IDENTIFY', atS: round((c.openedAt - driver.origin) / 1000, 1) })),
      ...emu.requests.filter((r) => r.tokenExpired).map((r) => ({ where: `${r.method} ${r.path}`, frame: 'REST', atS: round((r.at - driver.origin) / 1000, 1) })),
    ];
    for (const stretch of this.stretches) {
      if (stretch.ms > stretch.boundMs) problems.push(`shard ${stretch.shard} offline ${stretch.ms} ms, more than the ${stretch.boundMs} ms its steps allow: ${describeSteps(stretch.steps).join(', ')}`);
    }
    const longest = this.stretches.reduce<(typeof this.stretches)[number] | null>((best, s) => (best === null || s.ms > best.ms ? s : best), null);
    const tightest = this.stretches.reduce<(typeof this.stretches)[number] | null>((best, s) => (best === null || s.ms / s.boundMs > best.ms / best.boundMs ? s : best), null);
    const stretchFigures = (s: (typeof this.stretches)[number] | null) => (s ? { shard: s.shard, ms: s.ms, boundMs: s.boundMs, steps: describeSteps(s.steps) } : null);
    const figures = {
      shards: options.shards,
      eventsDispatched: this.dispatched.size,
      faultsScheduled: this.plan.faults.reduce((sum, f) => sum + f.weight, 0),
      faultsInjected: this.faultsUsed,
      faultsTookEffect: this.effects.records.filter((r) => r.effect).reduce((sum, r) => sum + r.fault.weight, 0),
      faultsByKind,
      handshakeFaults: this.tapVariants,
      faultEffectLatencyMs: { p50: percentile(effectLatency, 50), max: maxOf(effectLatency) },
      slowestEffect: slowest ? { fault: describeFault(slowest.fault), ms: slowest.effect!.at - slowest.injectedAt, seen: slowest.effect!.seen } : null,
      effectsWaitSimulatedMs: effectsWaitMs,
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
        expiredTokenUseDetails: expiredTokenUses,
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
      longestGap: stretchFigures(longest),
      closestToBound: stretchFigures(tightest),
      gapsOverBound: this.stretches.filter((s) => s.ms > s.boundMs).length,
      offlineMs: { count: this.offline.length, p50: percentile(this.offline, 50), p99: percentile(this.offline, 99), max: maxOf(this.offline) },
      deliveryDelayMs: { p50: percentile(seenAt, 50), p99: percentile(seenAt, 99), max: maxOf(seenAt) },
      heartbeatIntervalMs: heartbeatIntervalOf(this.emu),
      zombieDetectionMs: { count: this.zombieDetection.length, max: maxOf(this.zombieDetection) },
      connectionsPerSimulatedMinuteMax: perMinuteMax(emu.connections.map((c) => c.openedAt)),
      errorsByCode: this.errorsByCode,
      simulatedMinutes: round(driver.now() / 60_000, 1),
      drainSimulatedMs: drainMs,
      driver: { ...driver.stats },
    };
    return {
      figures,
      faultSequence: this.effects.records.map((r) => `${describeFault(r.fault)} → ${r.effect ? r.effect.seen : `no effect (${r.waitingFor})`}`),
      scheduledSequence: this.plan.faults.map(describeFault),
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
