import type { SnapshotFrom } from 'xstate';
import type { botMachine } from '../machines/bot.machine.js';
import type { ShardActorRef, shardMachine } from '../machines/shard.machine.js';
import { describeCause } from '../machines/reconnect-policy.js';
import type { tokenMachine } from '../machines/token.machine.js';

export type BotStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** One shard as dashboards and health checks see it. */
export interface ShardState {
  id: number;
  /** The connection region's state, dotted: `session.ready`, `backoff`, `failed` … */
  state: string;
  ready: boolean;
  sessionId: string | null;
  seq: number | null;
  heartbeatLatencyMs: number | null;
  reconnects: number;
  /**
   * The current session is healthy: READY/RESUMED, then a heartbeat ACK or one interval of dispatches
   * (docs/lifecycle.md). Until then a disconnect counts as a failed attempt.
   */
  healthy: boolean;
  /** Connection attempts in a row that failed; the reconnect schedule's step follows it (0 after a healthy session). */
  failedAttempts: number;
  lastDisconnect: string | null;
  error: string | null;
}

export interface BotState {
  status: BotStatus;
  /** The token machine: `live` while a valid token is held. */
  token: 'none' | 'live' | 'expired' | 'failed' | 'stopped';
  shards: ShardState[];
  /** With an identify coordinator or shard leases (docs/scaling.md): whether it answers. */
  coordination?: 'available' | 'unavailable';
}

export function botStatusOf(snapshot: SnapshotFrom<typeof botMachine>): BotStatus {
  if (snapshot.matches('idle')) return 'idle';
  if (snapshot.matches({ active: 'running' })) return 'running';
  if (snapshot.matches('active')) return 'starting';
  if (snapshot.matches('stopping')) return 'stopping';
  if (snapshot.matches('failed')) return 'failed';
  return 'stopped';
}

export function tokenStatusOf(snapshot: SnapshotFrom<typeof tokenMachine> | undefined): BotState['token'] {
  if (!snapshot) return 'none';
  if (snapshot.matches('failed')) return 'failed';
  if (snapshot.matches('stopped') || snapshot.status === 'stopped') return 'stopped';
  if (snapshot.matches({ active: { lifetime: 'live' } })) return 'live';
  // A token the platform refused (close 4004) is as unusable as an expired one until the next arrives.
  if (snapshot.matches({ active: { lifetime: 'expired' } }) || snapshot.matches({ active: { lifetime: 'rejected' } })) return 'expired';
  return 'none';
}

export function shardStateOf(snapshot: SnapshotFrom<typeof shardMachine>): ShardState {
  const { context } = snapshot;
  const connection = (snapshot.value as { connection: unknown }).connection;
  const state = dotted(connection);
  return {
    id: context.shardId,
    state,
    ready: state.startsWith('session.ready'),
    sessionId: context.sessionId,
    seq: context.dispatches.seq,
    heartbeatLatencyMs: roundedLatency(context.heartbeat.latencyMs),
    reconnects: context.reconnects,
    healthy: context.sessionHealthy,
    failedAttempts: context.failedAttempts,
    lastDisconnect: context.lastCause ? describeCause(context.lastCause) : null,
    error: context.error?.message ?? null,
  };
}

function roundedLatency(latencyMs: number | null): number | null {
  return latencyMs === null ? null : Math.round(latencyMs * 100) / 100;
}

/** `{ session: { ready: { heartbeat: 'waiting', … } } }` → `session.ready` (parallel regions dropped). */
export function dotted(value: unknown): string {
  const parts: string[] = [];
  let current = value;
  while (typeof current === 'object' && current !== null) {
    const keys = Object.keys(current);
    const key = keys[0];
    if (key === undefined || keys.length > 1) break;
    parts.push(key);
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current === 'string') parts.push(current);
  return parts.join('.');
}

/**
 * The shards of a bot, each as its last snapshot read, keyed by shard id. `list()` is kept sorted by id and replaced
 * (copy on write, so a published list never changes under its reader) only when a shard's state shows something
 * new, which is what state$ emits for: a lifecycle change, not a heartbeat (each change copies the list).
 */
export class ShardStates {
  readonly #refs = new Map<number, ShardActorRef>();
  readonly #states = new Map<number, ShardState>();
  /** Every state of `#states`, by shard id; a new array after each change. */
  #list: ShardState[] = [];
  #ready = 0;

  add(shardId: number, shard: ShardActorRef): void {
    this.#refs.set(shardId, shard);
    this.#put(shardId, shardStateOf(shard.getSnapshot()));
  }

  remove(shardId: number): void {
    this.#refs.delete(shardId);
    const old = this.#states.get(shardId);
    if (!old) return;
    this.#states.delete(shardId);
    if (old.ready) this.#ready -= 1;
    this.#list = Object.freeze(this.#list.filter((state) => state !== old)) as ShardState[];
  }

  /** Whether the shard's state changed anything but its seq and heartbeat latency (what state$ emits for). */
  set(shardId: number, snapshot: SnapshotFrom<ShardActorRef>): boolean {
    return this.#put(shardId, shardStateOf(snapshot));
  }

  get(shardId: number): ShardState | undefined {
    return this.#states.get(shardId);
  }

  /** Reads every shard's snapshot again. */
  reread(): void {
    for (const [shardId, shard] of this.#refs) this.#put(shardId, shardStateOf(shard.getSnapshot()));
  }

  anyReady(): boolean {
    return this.#ready > 0;
  }

  /** By shard id, frozen: the same array is handed out until a shard changes. */
  list(): ShardState[] {
    return this.#list;
  }

  /** `state` with each shard's seq and heartbeat latency read now (state$ does not emit for either). */
  withLiveReadings(state: BotState): BotState {
    return {
      ...state,
      shards: state.shards.map((shard) => {
        const context = this.#refs.get(shard.id)?.getSnapshot().context;
        if (!context) return shard;
        return { ...shard, seq: context.dispatches.seq, heartbeatLatencyMs: roundedLatency(context.heartbeat.latencyMs) };
      }),
    };
  }

  #put(shardId: number, state: ShardState): boolean {
    const old = this.#states.get(shardId);
    if (old && sameShardState(old, state)) return false;
    this.#states.set(shardId, state);
    this.#ready += (state.ready ? 1 : 0) - (old?.ready ? 1 : 0);
    const list = this.#list.slice();
    const index = insertionIndex(list, shardId);
    if (old) list[index] = state;
    else list.splice(index, 0, state);
    // Frozen: the same array reaches every state$ subscriber until a shard changes, so none may edit it for the others.
    this.#list = Object.freeze(list) as ShardState[];
    return true;
  }
}

/** Where a shard with this id goes in a list sorted by id (binary search). */
function insertionIndex(list: readonly ShardState[], shardId: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle] as ShardState).id < shardId) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The same shard state, its seq and heartbeat latency aside: seq moves with every event and the latency with
 * every heartbeat ACK, and state$ emits for neither (`bot.state` reads both live). An emission per ACK would copy
 * every shard's state each time: with 1,000 shards that was a fifth of the bot's idle CPU (bench/notes.md).
 */
export function sameShardState(a: ShardState, b: ShardState): boolean {
  return (
    a.id === b.id &&
    a.state === b.state &&
    a.ready === b.ready &&
    a.sessionId === b.sessionId &&
    a.reconnects === b.reconnects &&
    a.healthy === b.healthy &&
    a.failedAttempts === b.failedAttempts &&
    a.lastDisconnect === b.lastDisconnect &&
    a.error === b.error
  );
}

/** Whether two bot states differ in anything state$ emits for (everything but the shards' seq and latency), without serialising them. */
export function sameBotState(a: BotState, b: BotState): boolean {
  if (a === b) return true;
  if (a.status !== b.status || a.token !== b.token || a.coordination !== b.coordination || a.shards.length !== b.shards.length) return false;
  for (let i = 0; i < a.shards.length; i++) {
    const x = a.shards[i] as ShardState;
    const y = b.shards[i] as ShardState;
    if (x !== y && !sameShardState(x, y)) return false;
  }
  return true;
}

/** Whether a shard's snapshot changed anything state$ shows (its seq and heartbeat latency aside). */
export function shardChanged(before: SnapshotFrom<ShardActorRef>, after: SnapshotFrom<ShardActorRef>): boolean {
  if (before.value !== after.value || before.status !== after.status) return true;
  const a = before.context;
  const b = after.context;
  return (
    a.sessionId !== b.sessionId ||
    a.reconnects !== b.reconnects ||
    a.error !== b.error ||
    a.lastCause !== b.lastCause
  );
}

/** A bot's state before it starts. */
export const idleBotState: BotState = { status: 'idle', token: 'none', shards: [] };
