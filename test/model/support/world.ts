import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createActor, enqueueActions, SimulatedClock, type AnyActorRef, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { botMachine, type BotInput } from '../../../machines/bot.machine.js';
import type { ShardContext, ShardEmitted, shardMachine } from '../../../machines/shard.machine.js';
import type { DispatchFrame } from '../../../machines/shard.events.js';
import { SystemId } from '../../../machines/system-actors.js';
import { tokenMachine } from '../../../machines/token.machine.js';
import type { WebhookEmitted } from '../../../machines/webhook.machine.js';
import type { QQBotError } from '../../../src/errors.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator/index.js';
import { tokenEndpointActor } from '../../../src/io/token-endpoint.js';
import { intentTable } from '../../../src/protocol/intents.js';
import { createBotLogic, type Timing } from '../../../src/runtime.js';
import { Secret } from '../../../src/secret.js';
import { createWebhookReceiver, startWebhookServer, type WebhookEventOut, type WebhookReceiver, type WebhookServer } from '../../../src/webhook/receiver.js';
import { actorCatcher, type TransitionRecorder } from './coverage.js';

export const appId = '102000001';
export const secret = 'emulator-secret-0123456789';
export const intents = (intentTable.GROUP_AND_C2C_EVENT.bit | intentTable.PUBLIC_GUILD_MESSAGES.bit | intentTable.INTERACTION.bit) >>> 0;

/**
 * Fixed values for the randomised delays (jitter, the 1–5 s op 9 wait) so a model knows exactly
 * which timer fires first, and a short identify window; every other delay keeps the machine's default.
 */
export const modelTiming = {
  shard: { RECONNECT_BACKOFF: 1_000, INVALID_SESSION_WAIT: 3_000 },
  token: { RETRY_BACKOFF: 1_000 },
  gateway: { RETRY_BACKOFF: 1_000 },
  // identify slots free quickly unless a model is about pacing (the throttle model sets 5 s)
  identify: { IDENTIFY_WINDOW: 500 },
  http: { tokenMs: 2_000, gatewayMs: 2_000 },
} satisfies Timing;

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Simulated time shared by the machines (XState's clock) and the emulator (`now`), plus the waiting
 * primitives every model uses. Nothing here sleeps simulated time away: timers fire only when a
 * step advances the clock, and I/O is flushed between clock steps.
 */
export abstract class World {
  #activity = 0;
  abstract readonly emu: Emulator;

  constructor(readonly clock: SimulatedClock) {}

  abstract dispose(): Promise<void>;

  protected inspector(recorder: TransitionRecorder, more?: (event: InspectionEvent) => void) {
    return (event: InspectionEvent) => {
      this.#activity += 1;
      recorder.inspect(event);
      more?.(event);
    };
  }

  #fingerprint(): number {
    let n = this.#activity + this.emu.requests.length * 7 + this.emu.connections.length * 13;
    for (const c of this.emu.connections) n += c.received.length + c.sent.length * 3 + (c.closed ? 5 : 0);
    return n;
  }

  /** Lets sockets and HTTP run until nothing has moved for a while. */
  async settle(): Promise<void> {
    let last = this.#fingerprint();
    let quiet = 0;
    for (let i = 0; i < 2_000 && quiet < 12; i++) {
      await turn();
      const now = this.#fingerprint();
      if (now === last) quiet += 1;
      else {
        quiet = 0;
        last = now;
      }
    }
  }

  /** Waits (real time, bounded) until `check` stops throwing or returns true; then settles. */
  async until(check: () => unknown, what: string, timeoutMs = 3_000): Promise<void> {
    let last: unknown;
    const ok = (): boolean => {
      try {
        return check() !== false;
      } catch (error) {
        last = error;
        return false;
      }
    };
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; !ok(); i++) {
      if (Date.now() > deadline) {
        const detail = last instanceof Error ? `: ${last.message}` : '';
        throw new Error(`timed out waiting for ${what}${detail}`, { cause: last });
      }
      if (i < 500) await turn();
      else await realWait(2);
    }
    await this.settle();
  }

  /** Advances simulated time in steps, flushing I/O after each, until `check` holds. */
  async advanceUntil(check: () => boolean, what: string, { maxMs, stepMs = 250 }: { maxMs: number; stepMs?: number }): Promise<void> {
    for (let elapsed = 0; !check(); elapsed += stepMs) {
      if (elapsed >= maxMs) throw new Error(`${what}: not reached within ${maxMs} ms of simulated time`);
      this.clock.increment(stepMs);
      await this.settle();
    }
  }

  /** Emulator HTTP requests to `path`. */
  requests(path: string) {
    return this.emu.requests.filter((r) => r.path === path);
  }

  newestConnection() {
    return this.emu.connections.at(-1);
  }

  /** The emulator's newest access token. */
  newestToken(): string | undefined {
    return this.emu.tokens.at(-1)?.value;
  }
}

export interface BotWorldOptions {
  /** Shards the emulator recommends (the bot runs them all). Default 1. */
  shards?: number;
  emulator?: Partial<EmulatorOptions>;
  timing?: Timing;
  /** Hold every Hello and READY/RESUMED until the model releases it. Default true. */
  holdHandshake?: boolean;
  /** Give the bot the emulator's gateway URL (skips discovery). */
  configureGatewayUrl?: boolean;
  maxSessionAgeMs?: number | null;
  /**
   * Fault double for "a shard that does not answer": shards in `BotWorld.mutedShards` stop as usual
   * but their SHARD.STOPPED report to the bot is lost (the shard's `notifyBotStopped` is replaced by
   * one that drops it for them and sends it, as the original does, for every other shard).
   */
  muteableShards?: boolean;
  /** Shards come by SHARD.ADD / SHARD.REMOVE (lease mode) instead of all at start. */
  leased?: boolean;
  /** The session store's reader (createBotLogic's `loadSessions`); default: no store. */
  loadSessions?: Parameters<typeof createBotLogic>[0]['loadSessions'];
}

/**
 * The whole bot as `createBotLogic` builds it (real token, discovery, throttle and shard machines,
 * real HTTP and WebSocket actors) against an emulator on 127.0.0.1, on one simulated clock.
 */
export class BotWorld extends World {
  readonly emu: Emulator;
  readonly actor;
  /** Actors of the system by actor id (`token`, `gatewayDiscovery`, `identifyThrottle`, `shard-0`, …), kept after they stop. */
  readonly actors = new Map<string, AnyActorRef>();
  readonly shardEmitted = new Map<number, ShardEmitted[]>();
  /** What each shard's sequencer delivered and dropped, in order. */
  readonly shardDelivered = new Map<number, DispatchFrame[]>();
  readonly shardDuplicates = new Map<number, DispatchFrame[]>();
  readonly hold: boolean;
  readonly mutedShards = new Set<number>();
  #hangNext = false;
  #hang: HangServer | undefined;

  private constructor(emu: Emulator, recorder: TransitionRecorder, options: BotWorldOptions, hang: HangServer | undefined, clock: SimulatedClock) {
    super(clock);
    this.emu = emu;
    this.#hang = hang;
    this.hold = options.holdHandshake ?? true;
    const base = createBotLogic({
      appId,
      secret: new Secret(secret),
      tokenUrl: emu.tokenUrl,
      apiBase: emu.apiBase,
      timing: mergeTiming(modelTiming, options.timing),
      ...(options.loadSessions ? { loadSessions: options.loadSessions } : {}),
      socket: {
        createWebSocket: (url) => {
          const target = this.#hangNext && this.#hang ? this.#hang.url : url;
          this.#hangNext = false;
          return new WebSocket(target, { perMessageDeflate: false });
        },
      },
    });
    const logic = options.muteableShards ? base.provide({ actors: { shard: this.#muteable(base.implementations.actors.shard as typeof shardMachine) } }) : base;
    const input: BotInput = {
      intents,
      shards: 'auto',
      gatewayUrl: options.configureGatewayUrl ? emu.gatewayUrl : null,
      maxSessionAgeMs: options.maxSessionAgeMs ?? null,
      ...(options.leased ? { leased: true, keepSessionsOnStop: true } : {}),
    };
    const catchActor = actorCatcher((ref) => {
      this.actors.set(ref.id, ref);
      const shard = /^shard-(\d+)$/.exec(ref.id);
      if (shard) {
        const list: ShardEmitted[] = [];
        this.shardEmitted.set(Number(shard[1]), list);
        ref.on('*', (event: unknown) => list.push(event as ShardEmitted));
        const delivered: DispatchFrame[] = [];
        const duplicates: DispatchFrame[] = [];
        this.shardDelivered.set(Number(shard[1]), delivered);
        this.shardDuplicates.set(Number(shard[1]), duplicates);
        // The actor is announced before its first snapshot exists; no socket is open before this runs.
        queueMicrotask(() =>
          (ref.getSnapshot() as SnapshotFrom<typeof shardMachine>).context.dispatches.subscribe({
            dispatch: (d) => delivered.push(d),
            duplicate: (d) => duplicates.push(d),
          }),
        );
      }
    });
    this.actor = createActor(logic, { clock, systemId: SystemId.bot, input, inspect: this.inspector(recorder, catchActor) });
    this.actor.start();
    if (this.hold) {
      emu.holdHello();
      emu.holdReady();
    }
  }

  #muteable(shard: typeof shardMachine) {
    return shard.provide({
      actions: {
        notifyBotStopped: enqueueActions(({ system, context, enqueue }) => {
          if (this.mutedShards.has(context.shardId)) return;
          const bot = system.get(SystemId.bot) as AnyActorRef | undefined;
          if (bot) enqueue.sendTo(bot, { type: 'SHARD.STOPPED', shardId: context.shardId });
        }),
      },
    });
  }

  static async start(recorder: TransitionRecorder, options: BotWorldOptions = {}): Promise<BotWorld> {
    const clock = new SimulatedClock();
    const origin = Date.now();
    const shards = options.shards ?? 1;
    const emu = await startEmulator({
      appId,
      secret,
      heartbeatInterval: 10_000,
      shards,
      sessionStartLimit: { maxConcurrency: 50 },
      now: () => origin + clock.now(),
      ...options.emulator,
    });
    const hang = await HangServer.start();
    return new BotWorld(emu, recorder, options, hang, clock);
  }

  get bot(): SnapshotFrom<typeof botMachine> {
    return this.actor.getSnapshot() as SnapshotFrom<typeof botMachine>;
  }

  /** The shard actor's snapshot (also after it stopped). */
  shard(id = 0) {
    const ref = this.actors.get(`shard-${id}`);
    if (!ref) throw new Error(`shard ${id} has not been spawned`);
    return ref.getSnapshot() as { value: { connection: unknown; sessionAge: unknown }; context: ShardContext; status: string; matches(value: unknown): boolean };
  }

  shardRef(id = 0): AnyActorRef {
    const ref = this.actors.get(`shard-${id}`);
    if (!ref) throw new Error(`shard ${id} has not been spawned`);
    return ref;
  }

  child(id: 'token' | 'gatewayDiscovery' | 'identifyThrottle') {
    const ref = this.actors.get(id);
    if (!ref) throw new Error(`${id} has not been spawned`);
    return ref.getSnapshot() as { value: unknown; context: Record<string, unknown>; status: string; matches(value: unknown): boolean };
  }

  /** The next gateway connection goes to a host that accepts TCP and never answers the upgrade. */
  hangNextConnection(): void {
    this.#hangNext = true;
  }

  get hungSockets(): number {
    return this.#hang?.accepted ?? 0;
  }

  /** Lets the held Hello out, then holds the next one again. */
  releaseHello(): void {
    this.emu.releaseHello();
    if (this.hold) this.emu.holdHello();
  }

  /** Lets the held READY/RESUMED out, then holds the next one again. */
  releaseReady(): void {
    this.emu.releaseReady();
    if (this.hold) this.emu.holdReady();
  }

  async dispose(): Promise<void> {
    this.actor.stop();
    await this.emu.close();
    await this.#hang?.close();
  }
}

/**
 * The token machine alone, with its real HTTP actor against the emulator's token endpoint.
 */
export class TokenWorld extends World {
  readonly emu: Emulator;
  readonly actor;

  private constructor(emu: Emulator, recorder: TransitionRecorder, clock: SimulatedClock, delays: Record<string, number>) {
    super(clock);
    this.emu = emu;
    const logic = tokenMachine.provide({
      actors: { fetchToken: tokenEndpointActor({ tokenUrl: emu.tokenUrl, appId, secret: new Secret(secret), timeoutMs: 2_000 }) },
      delays,
    });
    this.actor = createActor(logic, { clock, systemId: SystemId.token, inspect: this.inspector(recorder) });
    this.actor.start();
  }

  static async start(recorder: TransitionRecorder, options: { tokenTtl: number; delays: Record<string, number> }): Promise<TokenWorld> {
    const clock = new SimulatedClock();
    const origin = Date.now();
    const emu = await startEmulator({ appId, secret, tokenTtl: options.tokenTtl, now: () => origin + clock.now() });
    return new TokenWorld(emu, recorder, clock, options.delays);
  }

  get token() {
    return this.actor.getSnapshot();
  }

  async dispose(): Promise<void> {
    this.actor.stop();
    await this.emu.close();
  }
}

/**
 * The webhook transport on its own: a real receiver (`createWebhookReceiver`, which runs the webhook
 * machine) served by `startWebhookServer` on 127.0.0.1 port 0, and the emulator's webhook mode
 * configured to POST to it (signed deliveries, op 13 validation, every fault helper). The
 * receiver's freshness check and the emulator's signing timestamps read the same simulated clock.
 */
export class WebhookWorld extends World {
  readonly emu: Emulator;
  readonly receiver: WebhookReceiver;
  /** What `onEvent` received, in order. */
  readonly events: WebhookEventOut[] = [];
  /** What `onError` received, in order. */
  readonly errors: QQBotError[] = [];
  /** What the machine emitted after start (`webhook.listening` comes before anyone can subscribe). */
  readonly emitted: WebhookEmitted[] = [];
  #server: WebhookServer | undefined;
  #closed = false;

  private constructor(emu: Emulator, recorder: TransitionRecorder, clock: SimulatedClock, now: () => number, maxBodyBytes: number | undefined) {
    super(clock);
    this.emu = emu;
    this.receiver = createWebhookReceiver({
      bots: [{ appId, secret: new Secret(secret), onEvent: (event) => this.events.push(event) }],
      onError: (error) => this.errors.push(error),
      now,
      clock,
      inspect: this.inspector(recorder),
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    });
    this.receiver.actor.on('*', (event) => this.emitted.push(event as WebhookEmitted));
  }

  static async start(recorder: TransitionRecorder, options: { maxBodyBytes?: number } = {}): Promise<WebhookWorld> {
    const clock = new SimulatedClock();
    const origin = Date.now();
    const now = () => origin + clock.now();
    const emu = await startEmulator({ appId, secret, now });
    const world = new WebhookWorld(emu, recorder, clock, now, options.maxBodyBytes);
    world.#server = await startWebhookServer(world.receiver, { path: '/qqbot' });
    // as saving the console's callback settings does; no retries, so a refused delivery is one request
    emu.webhook.configure(world.#server.url, { retries: 0 });
    return world;
  }

  get server(): WebhookServer {
    if (!this.#server) throw new Error('the webhook server is not listening');
    return this.#server;
  }

  /** Closes the receiver (its machine goes to `stopped`); the server keeps answering, with 503. */
  closeReceiver(): void {
    this.#closed = true;
    this.receiver.close();
  }

  async dispose(): Promise<void> {
    if (!this.#closed) this.receiver.close();
    await this.#server?.close();
    await this.emu.close();
  }
}

/**
 * "The gateway host hangs": a TCP server on 127.0.0.1 that accepts connections and never answers the
 * WebSocket upgrade, so the client's socket never opens.
 */
export class HangServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  accepted = 0;
  readonly url: string;

  private constructor(server: Server) {
    this.#server = server;
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/websocket`;
    server.on('connection', (socket) => {
      this.accepted += 1;
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<HangServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HangServer(server);
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function mergeTiming(base: Timing, extra: Timing | undefined): Timing {
  if (!extra) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = { ...((base as Record<string, object | undefined>)[key] ?? {}), ...(value as object) };
  }
  return out as Timing;
}
