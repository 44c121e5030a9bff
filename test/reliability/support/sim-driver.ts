/**
 * Drives a bot on simulated time against the emulator over real sockets.
 *
 * The machines' timers run on a `SimulatedClock` and the emulator's clock is the same clock
 * (`now: () => origin + clock.now()`), so heartbeats, backoffs, identify windows and token TTLs
 * take no real time. Sockets and HTTP stay real, so simulated time must not run ahead of real I/O:
 * before each step the driver lets I/O finish while any shard waits on the network (socket open,
 * Hello, READY/RESUMED, a heartbeat ACK, a token fetch). A fault that blocks that I/O on purpose
 * (zombie, suspended ACKs) is declared with `block(shard)`, so the driver moves time on and the
 * bot's own timers find the problem. Anything else still pending after `ioBudgetMs` of real time
 * is counted in `stats.ioBudgetExceeded` and time moves on anyway.
 */
import { SimulatedClock, type AnyActorRef } from 'xstate';
import type { Bot } from '../../../src/bot.js';

export interface DriverOptions {
  /** Simulated ms per step. */
  stepMs: number;
  /** Real ms to wait for pending socket I/O before moving time on anyway. Default 40. */
  ioBudgetMs?: number;
  /**
   * Real ms to wait for a token request in flight. Default 600: an HTTP exchange, even a slow or
   * timed-out one, takes no simulated time (compressed TTLs compress lifetimes, not latency).
   */
  httpBudgetMs?: number;
  /** More I/O the test knows about (e.g. its own REST calls): a label while it is pending, else null. */
  extraIo?: () => string | null;
  /** True when the test holds this shard's I/O on purpose in this state (e.g. Hello held): time moves on. */
  heldOnPurpose?: (shard: number, state: string) => boolean;
}

export class SimDriver {
  readonly clock: SimulatedClock;
  readonly origin: number;
  readonly stepMs: number;
  readonly ioBudgetMs: number;
  readonly httpBudgetMs: number;
  readonly stats = { steps: 0, ioBudgetExceeded: 0, waitedOn: {} as Record<string, number> };
  #bot: Bot | undefined;
  readonly #blocked = new Set<number>();
  readonly #extraIo: (() => string | null) | undefined;
  readonly #heldOnPurpose: ((shard: number, state: string) => boolean) | undefined;

  constructor(options: DriverOptions) {
    this.clock = new SimulatedClock();
    this.origin = Date.now();
    this.stepMs = options.stepMs;
    this.ioBudgetMs = options.ioBudgetMs ?? 40;
    this.httpBudgetMs = options.httpBudgetMs ?? 600;
    this.#extraIo = options.extraIo;
    this.#heldOnPurpose = options.heldOnPurpose;
  }

  /** The emulator's `now` option. */
  readonly emulatorNow = (): number => this.origin + this.clock.now();

  attach(bot: Bot): void {
    this.#bot = bot;
  }

  /** Simulated ms since the start. */
  now(): number {
    return this.clock.now();
  }

  /** A fault blocks this shard's I/O on purpose until the shard leaves its session. */
  block(shard: number): void {
    this.#blocked.add(shard);
  }

  /** Lets sockets and HTTP make progress without moving simulated time. */
  async settle(rounds = 3): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Waits (real time, bounded) until no shard waits on I/O that is not blocked on purpose. */
  async quiesce(): Promise<void> {
    await this.settle(2);
    const started = performance.now();
    let waiting: string | null;
    while ((waiting = this.#waitingOnIo()) !== null) {
      if (performance.now() - started > (waiting === 'token' ? this.httpBudgetMs : this.ioBudgetMs)) {
        this.stats.ioBudgetExceeded += 1;
        this.stats.waitedOn[waiting] = (this.stats.waitedOn[waiting] ?? 0) + 1;
        return;
      }
      await this.settle(1);
      if (performance.now() - started > 2) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** One step: let I/O finish, then move simulated time. */
  async step(ms = this.stepMs): Promise<void> {
    await this.quiesce();
    this.clock.increment(ms);
    this.stats.steps += 1;
    await this.settle(2);
  }

  async advance(totalMs: number, stepMs = this.stepMs): Promise<void> {
    for (let elapsed = 0; elapsed < totalMs; elapsed += stepMs) await this.step(Math.min(stepMs, totalMs - elapsed));
  }

  /** Steps until `predicate` holds; throws after `maxSimMs` of simulated time. */
  async until(predicate: () => boolean, options: { maxSimMs: number; description: string; stepMs?: number }): Promise<number> {
    const start = this.now();
    while (!predicate()) {
      if (this.now() - start > options.maxSimMs) {
        throw new Error(`not reached within ${options.maxSimMs} simulated ms: ${options.description}`);
      }
      await this.step(options.stepMs ?? this.stepMs);
    }
    return this.now() - start;
  }

  #actor(systemId: string): AnyActorRef | undefined {
    return this.#bot?.actor.system.get(systemId) as AnyActorRef | undefined;
  }

  /** What a shard waits for on the network (null: nothing). */
  #waitingOnIo(): string | null {
    const bot = this.#bot;
    if (!bot) return null;
    const token = this.#actor('token')?.getSnapshot() as { matches?: (value: unknown) => boolean; status?: string } | undefined;
    const tokenFetching = token?.status === 'active' && token.matches?.({ active: { fetch: 'fetching' } }) === true;
    let waiting: string | null = this.#extraIo?.() ?? null;
    if (tokenFetching) return 'token';
    for (const [systemId, actor] of shardActors(bot)) {
      const shard = Number(systemId.slice('shard-'.length));
      const connection = (actor.getSnapshot() as { value?: { connection?: unknown } }).value?.connection;
      if (typeof connection === 'string') {
        this.#blocked.delete(shard);
        continue;
      }
      const session = (connection as { session?: unknown } | undefined)?.session;
      if (session === undefined) continue;
      if (this.#blocked.has(shard)) continue;
      if (typeof session === 'string') {
        if (!this.#heldOnPurpose?.(shard, `session.${session}`)) waiting = session;
      }
      else if ((session as { ready?: { heartbeat?: string } }).ready?.heartbeat === 'awaitingAck') waiting = 'heartbeat ACK';
    }
    return waiting;
  }
}

function shardActors(bot: Bot): Array<[string, AnyActorRef]> {
  const children = (bot.actor.getSnapshot() as { children: Record<string, AnyActorRef | undefined> }).children;
  return Object.entries(children).filter((entry): entry is [string, AnyActorRef] => entry[0].startsWith('shard-') && entry[1] !== undefined);
}
