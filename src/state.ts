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
    heartbeatLatencyMs: context.heartbeat.latencyMs === null ? null : Math.round(context.heartbeat.latencyMs * 100) / 100,
    reconnects: context.reconnects,
    healthy: context.sessionHealthy,
    failedAttempts: context.failedAttempts,
    lastDisconnect: context.lastCause ? describeCause(context.lastCause) : null,
    error: context.error?.message ?? null,
  };
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

/** The shards of a bot, each as its last snapshot read, keyed by shard id. */
export class ShardStates {
  readonly #refs = new Map<number, ShardActorRef>();
  readonly #states = new Map<number, ShardState>();

  add(shardId: number, shard: ShardActorRef): void {
    this.#refs.set(shardId, shard);
    this.#states.set(shardId, shardStateOf(shard.getSnapshot()));
  }

  remove(shardId: number): void {
    this.#refs.delete(shardId);
    this.#states.delete(shardId);
  }

  set(shardId: number, snapshot: SnapshotFrom<ShardActorRef>): void {
    this.#states.set(shardId, shardStateOf(snapshot));
  }

  get(shardId: number): ShardState | undefined {
    return this.#states.get(shardId);
  }

  /** Reads every shard's snapshot again. */
  reread(): void {
    for (const [shardId, shard] of this.#refs) this.#states.set(shardId, shardStateOf(shard.getSnapshot()));
  }

  anyReady(): boolean {
    return [...this.#states.values()].some((shard) => shard.ready);
  }

  /** By shard id. */
  list(): ShardState[] {
    return [...this.#states.values()].sort((a, b) => a.id - b.id);
  }

  /** `state` with each shard's seq read now (state$ does not emit for seq). */
  withLiveSeq(state: BotState): BotState {
    return { ...state, shards: state.shards.map((shard) => ({ ...shard, seq: this.#refs.get(shard.id)?.getSnapshot().context.dispatches.seq ?? shard.seq })) };
  }
}

/** Whether a shard's snapshot changed anything `ShardState` shows (its seq aside). */
export function shardChanged(before: SnapshotFrom<ShardActorRef>, after: SnapshotFrom<ShardActorRef>): boolean {
  if (before.value !== after.value || before.status !== after.status) return true;
  const a = before.context;
  const b = after.context;
  return (
    a.sessionId !== b.sessionId ||
    a.heartbeat.latencyMs !== b.heartbeat.latencyMs ||
    a.reconnects !== b.reconnects ||
    a.error !== b.error ||
    a.lastCause !== b.lastCause
  );
}

/** What makes two states worth a new emission: everything but the seq, which moves with every event. */
export function stateKey(state: BotState): string {
  return JSON.stringify([state.status, state.token, state.coordination ?? null, state.shards.map((s) => ({ ...s, seq: null }))]);
}

/** A bot's state before it starts. */
export const idleBotState: BotState = { status: 'idle', token: 'none', shards: [] };
