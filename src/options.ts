import type { Logger } from 'pino';
import type { ActorOptions, AnyActorLogic, InspectionEvent, Observer } from 'xstate';
import type { ShardSelection } from '../machines/bot.machine.js';
import { QQConfigError } from './errors.js';
import { intentNames, intentTable, isIntentName, knownIntentBits, privateIntentBits, type IntentName } from './protocol/intents.js';
import { timingNames, type Timing } from './runtime.js';
import type { SessionStore } from './sessions/store.js';
import type { IdentifyCoordinator, ShardLeases } from './coordination.js';
import { Secret } from './secret.js';

/** Production and sandbox hosts (reference §1.1, §2.1). */
/** XState's clock interface (not exported by name from xstate's entry point). */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

export const platformEndpoints = {
  tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
  apiBase: 'https://api.sgroup.qq.com',
  sandboxApiBase: 'https://sandbox.api.sgroup.qq.com',
} as const;

/** An XState inspection observer, or a plain callback. */
export type InspectionObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

export interface BotOptions {
  /** The bot's AppID from the QQ bot console (a string of digits). */
  appId: string;
  /** The AppSecret. Kept in a `Secret`: never logged, never in an error or a snapshot. */
  secret: string;
  /** Intent names, or a bitmask (reference §6). Default: `['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES']`. */
  intents?: readonly IntentName[] | number;
  /** Use the sandbox API host. */
  sandbox?: boolean;
  tokenUrl?: string;
  apiBase?: string;
  /** A fixed gateway URL skips `GET /gateway/bot`. */
  gatewayUrl?: string;
  /** `'auto'` (from `/gateway/bot`) or `{ total, ids }` to run a range of shards in this process. */
  shards?: ShardSelection;
  /** Default: a pino logger of our own at `info` with secrets redacted. */
  logger?: Logger;
  /** Passed to every actor (XState inspection API). Payloads never hold a secret. */
  inspect?: InspectionObserver;
  /** Delays of the machines in ms, for tests and tuning. */
  timing?: Timing;
  /** Identify afresh after this many ms even when resumes succeed (sessions reported to go silent after days). */
  maxSessionAgeMs?: number;
  /**
   * The clock of every machine timer (XState `Clock`). For tests: pass a `SimulatedClock` to move
   * time by hand. Default: real time.
   */
  clock?: Clock;
  /**
   * How events arrive: `'websocket'` (the gateway, default) or `'webhook'` (signed HTTP callbacks,
   * reference §8). Handlers, streams and `reply()` are the same either way.
   */
  transport?: 'websocket' | 'webhook';
  /**
   * Webhook transport: with this option the bot runs its own HTTP server (bound to 127.0.0.1 unless
   * `host` says otherwise); without it, mount `createWebhookHandler(bot)` in your own server.
   */
  webhook?: WebhookOptions;
  /** Set for private-domain (私域) bots so private-only intents are accepted without a warning. */
  privateBot?: boolean;
  /**
   * Where gateway sessions are kept between processes, so a restarted bot RESUMEs instead of
   * identifying (docs/scaling.md): `createFileSessionStore(path)`, `createRedisSessionStore(redis)`
   * from `qq-bot-machine/redis`, or your own. With a store, `stop()` leaves the sessions resumable.
   * Default: none (nothing is written: the bot's shards resume from their own memory while it runs).
   */
  sessions?: SessionStore;
  /**
   * Shares IDENTIFY pacing (one per `max_concurrency` bucket per 5 s) and the `session_start_limit`
   * budget with the bot's other processes: `createRedisIdentifyCoordinator(redis)` from
   * `qq-bot-machine/redis` (docs/scaling.md). Default: this process paces alone.
   */
  identifyCoordinator?: IdentifyCoordinator;
  /**
   * Run the shards this process holds a lease for, out of `shards` (failover: a dead process's shards
   * move to the others within the lease time and RESUME from `sessions`, which must be shared):
   * `createRedisShardLeases(redis)` from `qq-bot-machine/redis` (docs/scaling.md). `start()` resolves
   * once the process has joined; shards then come and go. Default: run every shard of `shards`.
   */
  shardLeases?: ShardLeases;
}

export interface WebhookOptions {
  port?: number;
  host?: string;
  path?: string;
  /** Bodies above this are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Signed requests older or newer than this are refused (replay protection). Default 300 s. */
  freshnessWindowSeconds?: number;
}

export interface ResolvedOptions {
  appId: string;
  secret: Secret;
  intents: number;
  tokenUrl: string;
  apiBase: string;
  gatewayUrl: string | null;
  shards: ShardSelection;
  logger: Logger | undefined;
  inspect: InspectionObserver | undefined;
  timing: Timing;
  maxSessionAgeMs: number | null;
  clock: Clock | undefined;
  transport: 'websocket' | 'webhook';
  webhook: WebhookOptions | undefined;
  sessions: SessionStore | undefined;
  identifyCoordinator: IdentifyCoordinator | undefined;
  shardLeases: ShardLeases | undefined;
  /** Warnings to log once the logger exists (e.g. private-only intents). */
  warnings: string[];
}

export const defaultIntents: readonly IntentName[] = ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'];

/** Checks every option and fails fast with a `QQConfigError` naming the option. */
export function resolveOptions(options: BotOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new QQConfigError('options', 'createBot() needs an options object');
  const warnings: string[] = [];
  const appId = requireString(options.appId, 'appId');
  if (!/^\d+$/.test(appId)) throw new QQConfigError('appId', `expected the numeric AppID from the bot console, got "${appId.slice(0, 40)}"`);
  const secret = requireString(options.secret, 'secret');
  const intents = resolveIntents(options.intents ?? defaultIntents);
  if ((intents & privateIntentBits) !== 0 && !options.privateBot) {
    const names = intentNames.filter((name) => (intentTable[name].bit & intents & privateIntentBits) !== 0);
    warnings.push(
      `Intents ${names.join(', ')} are for private-domain (私域) bots only; a public bot gets op 9 and cannot connect. ` +
        'Pass privateBot: true to silence this warning.',
    );
  }
  if (options.sandbox !== undefined && typeof options.sandbox !== 'boolean') throw new QQConfigError('sandbox', 'expected true or false');
  const tokenUrl = optionalUrl(options.tokenUrl, 'tokenUrl', ['http:', 'https:']) ?? platformEndpoints.tokenUrl;
  const apiBase =
    optionalUrl(options.apiBase, 'apiBase', ['http:', 'https:']) ??
    (options.sandbox ? platformEndpoints.sandboxApiBase : platformEndpoints.apiBase);
  const gatewayUrl = optionalUrl(options.gatewayUrl, 'gatewayUrl', ['ws:', 'wss:']) ?? null;
  const shards = resolveShards(options.shards ?? 'auto');
  if (options.logger !== undefined && (typeof options.logger !== 'object' || typeof options.logger.child !== 'function')) {
    throw new QQConfigError('logger', 'expected a pino logger (an object with child(), info(), …)');
  }
  if (options.inspect !== undefined && typeof options.inspect !== 'function' && typeof (options.inspect as Observer<InspectionEvent>).next !== 'function') {
    throw new QQConfigError('inspect', 'expected an inspection observer ({ next(event) }) or a function');
  }
  if (options.timing !== undefined && (typeof options.timing !== 'object' || options.timing === null)) {
    throw new QQConfigError('timing', 'expected an object of delays in milliseconds');
  }
  validateTiming(options.timing ?? {});
  let maxSessionAgeMs: number | null = null;
  if (options.maxSessionAgeMs !== undefined) {
    if (typeof options.maxSessionAgeMs !== 'number' || !Number.isFinite(options.maxSessionAgeMs) || options.maxSessionAgeMs < 60_000) {
      throw new QQConfigError('maxSessionAgeMs', 'expected a number of milliseconds, at least 60000');
    }
    maxSessionAgeMs = options.maxSessionAgeMs;
  }
  return {
    appId,
    secret: new Secret(secret),
    intents,
    tokenUrl,
    apiBase,
    gatewayUrl,
    shards,
    logger: options.logger,
    inspect: options.inspect,
    timing: options.timing ?? {},
    maxSessionAgeMs,
    clock: resolveClock(options.clock),
    transport: resolveTransport(options.transport),
    webhook: resolveWebhook(options.webhook),
    sessions: resolveSessions(options.sessions),
    identifyCoordinator: resolveIdentifyCoordinator(options.identifyCoordinator),
    shardLeases: resolveShardLeases(options.shardLeases, options.sessions),
    warnings,
  };
}

function resolveTransport(transport: unknown): 'websocket' | 'webhook' {
  if (transport === undefined || transport === 'websocket') return 'websocket';
  if (transport === 'webhook') return 'webhook';
  throw new QQConfigError('transport', `expected 'websocket' or 'webhook', got ${JSON.stringify(transport)}`);
}

function resolveWebhook(webhook: unknown): WebhookOptions | undefined {
  if (webhook === undefined) return undefined;
  if (typeof webhook !== 'object' || webhook === null) throw new QQConfigError('webhook', 'expected { port?, host?, path? }');
  const { port, host, path, maxBodyBytes, freshnessWindowSeconds } = webhook as Record<string, unknown>;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new QQConfigError('webhook.port', 'expected a port number 0–65535');
  }
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) throw new QQConfigError('webhook.host', 'expected a host name or address');
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) throw new QQConfigError('webhook.path', 'expected a path starting with "/"');
  for (const [name, value] of Object.entries({ maxBodyBytes, freshnessWindowSeconds })) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) throw new QQConfigError(`webhook.${name}`, 'expected a positive number');
  }
  return webhook as WebhookOptions;
}

function resolveSessions(sessions: unknown): SessionStore | undefined {
  if (sessions === undefined) return undefined;
  const store = sessions as Partial<Record<keyof SessionStore, unknown>> | null;
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function') {
    throw new QQConfigError('sessions', 'expected a session store with get(shard), set(session) and delete(shard) (e.g. createFileSessionStore(path))');
  }
  return sessions as SessionStore;
}

function resolveIdentifyCoordinator(coordinator: unknown): IdentifyCoordinator | undefined {
  if (coordinator === undefined) return undefined;
  const candidate = coordinator as Partial<Record<keyof IdentifyCoordinator, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.acquire !== 'function' || typeof candidate.identifySent !== 'function') {
    throw new QQConfigError('identifyCoordinator', 'expected an identify coordinator with acquire() and identifySent() (e.g. createRedisIdentifyCoordinator(redis))');
  }
  return coordinator as IdentifyCoordinator;
}

function resolveShardLeases(leases: unknown, sessions: unknown): ShardLeases | undefined {
  if (leases === undefined) return undefined;
  const candidate = leases as Partial<Record<keyof ShardLeases, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.round !== 'function' || typeof candidate.release !== 'function' || typeof candidate.leave !== 'function' || !(Number(candidate.renewIntervalMs) > 0)) {
    throw new QQConfigError('shardLeases', 'expected shard leases with round(), release(), leave() and renewIntervalMs (e.g. createRedisShardLeases(redis))');
  }
  if (sessions === undefined) {
    throw new QQConfigError('shardLeases', 'needs a shared session store (sessions: createRedisSessionStore(redis)), or a shard that moves to another process cannot RESUME there');
  }
  return leases as ShardLeases;
}

function resolveClock(clock: unknown): Clock | undefined {
  if (clock === undefined) return undefined;
  const candidate = clock as Partial<Clock>;
  if (typeof candidate.setTimeout !== 'function' || typeof candidate.clearTimeout !== 'function') {
    throw new QQConfigError('clock', 'expected an XState clock with setTimeout() and clearTimeout() (e.g. new SimulatedClock())');
  }
  return clock as Clock;
}

function requireString(value: unknown, option: string): string {
  if (value === undefined || value === null || value === '') throw new QQConfigError(option, 'is required');
  if (typeof value !== 'string') throw new QQConfigError(option, `expected a string, got ${typeof value}`);
  if (value.trim() !== value) throw new QQConfigError(option, 'has leading or trailing white space');
  return value;
}

export function resolveIntents(intents: readonly string[] | number): number {
  if (typeof intents === 'number') {
    if (!Number.isInteger(intents) || intents <= 0 || intents > 0xffffffff) {
      throw new QQConfigError('intents', `expected a positive integer bitmask, got ${intents}`);
    }
    const unknownBits = (intents >>> 0) & ~knownIntentBits;
    if (unknownBits !== 0) {
      throw new QQConfigError('intents', `unknown intent bits 0x${(unknownBits >>> 0).toString(16)}; known names: ${intentNames.join(', ')}`);
    }
    return intents >>> 0;
  }
  if (!Array.isArray(intents) || intents.length === 0) {
    throw new QQConfigError('intents', `expected a non-empty array of intent names or a bitmask; names: ${intentNames.join(', ')}`);
  }
  let mask = 0;
  for (const name of intents) {
    if (typeof name !== 'string' || !isIntentName(name)) {
      const suggestion = typeof name === 'string' ? closestName(name) : undefined;
      throw new QQConfigError(
        'intents',
        `unknown intent ${JSON.stringify(name)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; known: ${intentNames.join(', ')}`,
      );
    }
    mask |= intentTable[name].bit;
  }
  return mask >>> 0;
}

function closestName(input: string): string | undefined {
  const wanted = input.toUpperCase().replace(/[^A-Z]/g, '');
  return intentNames.find((name) => name.replace(/_/g, '') === wanted) ?? intentNames.find((name) => name.replace(/_/g, '').startsWith(wanted.slice(0, 6)));
}

function optionalUrl(value: unknown, option: string, protocols: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new QQConfigError(option, `expected a URL string, got ${typeof value}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new QQConfigError(option, `"${value}" is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) throw new QQConfigError(option, `expected a ${protocols.join(' or ')} URL, got ${url.protocol}`);
  return value;
}

function resolveShards(shards: unknown): ShardSelection {
  if (shards === 'auto') return 'auto';
  if (typeof shards !== 'object' || shards === null) throw new QQConfigError('shards', "expected 'auto' or { total, ids }");
  const { total, ids } = shards as { total?: unknown; ids?: unknown };
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw new QQConfigError('shards', 'total must be a positive integer');
  if (!Array.isArray(ids) || ids.length === 0) throw new QQConfigError('shards', 'ids must be a non-empty array of shard ids');
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= total) {
      throw new QQConfigError('shards', `shard id ${String(id)} is not an integer in [0, ${total - 1}]`);
    }
  }
  if (new Set(ids).size !== ids.length) throw new QQConfigError('shards', 'ids contains duplicates');
  return { total, ids: [...(ids as number[])] };
}

function validateTiming(timing: Timing): void {
  for (const [group, delays] of Object.entries(timing)) {
    const names = Object.hasOwn(timingNames, group) ? timingNames[group as keyof Timing] : undefined;
    if (!names) throw new QQConfigError(`timing.${group}`, unknownName('group', group, Object.keys(timingNames)));
    if (delays === undefined) continue;
    if (typeof delays !== 'object' || delays === null) throw new QQConfigError(`timing.${group}`, 'expected an object');
    for (const [name, value] of Object.entries(delays as Record<string, unknown>)) {
      if (!names.includes(name)) throw new QQConfigError(`timing.${group}.${name}`, unknownName(`name in timing.${group}`, name, names));
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
        throw new QQConfigError(`timing.${group}.${name}`, 'expected a non-negative number of milliseconds');
      }
    }
  }
}

function unknownName(what: string, name: string, known: readonly string[]): string {
  const suggestion = closestOf(name, known);
  return `unknown ${what}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; known: ${known.join(', ')}`;
}

/** The known name fewest edits away from `input`, when it is close enough to be a misspelling. */
export function closestOf(input: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(input.toUpperCase(), name.toUpperCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
