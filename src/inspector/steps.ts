import { eventLabel } from '../diagram.js';
import { dotted } from '../state.js';

/**
 * What the inspector page is told, one step at a time, live or from a recording. Only names of
 * states, events and actors from the machine definitions, numbers, and error codes and messages
 * (which never hold a secret): no context object, no event payload, no frame ever becomes a step.
 */
export type InspectorStep =
  | { t: 'spawn'; at: number; actor: string; parent: string | null; id: string; machine: string | null }
  | { t: 'state'; at: number; actor: string; value: unknown; status: string }
  | { t: 'transition'; at: number; actor: string; event: string; label: string; edges: Array<{ source: string; target: string }>; value: unknown }
  | { t: 'end'; at: number; actor: string; status: string }
  | { t: 'stats'; at: number; actor: string; stats: ShardStats | TokenStats }
  | { t: 'error'; at: number; actor: string | null; code: string; message: string; fatal: boolean }
  | { t: 'dispatch'; at: number; actor: string; type: string; seq: number | null; content?: string };

export interface ShardStats {
  kind: 'shard';
  /** The connection region, dotted: `session.ready`, `backoff` … */
  state: string;
  /** The first 8 characters of the session id. */
  session: string | null;
  seq: number | null;
  rttMs: number | null;
  eventsPerSec: number;
  delivered: number;
  reconnects: number;
  resumes: number;
  identifies: number;
}

export interface TokenStats {
  kind: 'token';
  /** `live`, `expired`, `none` (not fetched yet), `failed`, `stopped`. */
  state: string;
  /** When the token held now stops being usable (ms since the epoch); never the token itself. */
  expiresAt: number | null;
  fetches: number;
}

/** What the step builder is fed: an inspection event or a recorded line, reduced to what it reads. */
export interface Observation {
  type: string;
  at: number;
  /** `bot/shard-0/socket`: the actor's place in the tree, the root named after its machine. */
  path: string;
  parent: string | null;
  machine?: string | null;
  /** The event type that caused this step. */
  event?: string;
  value?: unknown;
  status?: string;
  transitions?: ReadonlyArray<{ source: string; targets: readonly string[]; event?: string }>;
  /** Read only for a few numbers (see `statsOf`); never copied to a step. */
  context?: unknown;
}

interface ActorState {
  machine: string | null;
  valueKey: string;
  status: string;
  resumes: number;
  identifies: number;
  statsKey: string;
  errorKey: string;
  rateSample: { at: number; delivered: number } | null;
  eventsPerSec: number;
  issuedAt: number | null;
  lastFetches: number;
  last: { spawn: InspectorStep; state?: InspectorStep; stats?: InspectorStep };
}

/**
 * Turns observations (live inspection events, or the lines of a `recordInspection()` file) into
 * inspector steps, keeping what the page needs to draw the current picture: the actor tree, each
 * actor's state, the shard and token figures. Live and replay share it, so both draw the same.
 */
export class StepBuilder {
  readonly #actors = new Map<string, ActorState>();
  readonly #emit: (step: InspectorStep) => void;
  readonly #errorsFromContext: boolean;

  /**
   * `errorsFromContext`: report a machine's `context.error` as an error step (replay: a recording
   * has no `errors$`). Live, `errors$` is the source and this stays off.
   */
  constructor(emit: (step: InspectorStep) => void, options: { errorsFromContext?: boolean } = {}) {
    this.#emit = emit;
    this.#errorsFromContext = options.errorsFromContext ?? false;
  }

  observe(o: Observation): void {
    switch (o.type) {
      case '@xstate.actor':
        this.#spawn(o);
        return;
      case '@xstate.snapshot':
        this.#snapshot(o);
        return;
      case '@xstate.microstep':
        this.#microstep(o);
        return;
      case 'actor.stopped':
        this.#end(o.path, o.at, 'stopped');
        return;
      default:
        return;
    }
  }

  /** Reads the figures of a machine's context (live: every flush, for the seq and events/s). */
  observeContext(path: string, at: number, value: unknown, context: unknown): void {
    const actor = this.#actors.get(path);
    if (!actor || actor.status !== 'active') return;
    this.#stats(path, actor, at, value, context);
  }

  /** The steps that rebuild the current picture from nothing: each living actor, its state and figures. */
  baseline(): InspectorStep[] {
    const out: InspectorStep[] = [];
    for (const actor of this.#actors.values()) {
      if (actor.status !== 'active') continue;
      out.push(actor.last.spawn);
      if (actor.last.state) out.push(actor.last.state);
      if (actor.last.stats) out.push(actor.last.stats);
    }
    return out;
  }

  /** Paths of living actors with a machine, and which machine. */
  livingMachines(): Array<{ path: string; machine: string }> {
    return [...this.#actors.entries()].filter(([, a]) => a.status === 'active' && a.machine).map(([path, a]) => ({ path, machine: a.machine as string }));
  }

  #spawn(o: Observation): void {
    const id = o.path.slice(o.path.lastIndexOf('/') + 1);
    const spawn: InspectorStep = { t: 'spawn', at: o.at, actor: o.path, parent: o.parent, id, machine: o.machine ?? null };
    this.#actors.set(o.path, {
      machine: o.machine ?? null,
      valueKey: '',
      status: 'active',
      resumes: 0,
      identifies: 0,
      statsKey: '',
      errorKey: '',
      rateSample: null,
      eventsPerSec: 0,
      issuedAt: null,
      lastFetches: 0,
      last: { spawn },
    });
    this.#emit(spawn);
  }

  #snapshot(o: Observation): void {
    const actor = this.#actors.get(o.path);
    if (!actor) return;
    if (o.status && o.status !== 'active') {
      this.#setValue(o.path, actor, o.at, o.value ?? null, o.status);
      this.#end(o.path, o.at, o.status);
      return;
    }
    if (o.value !== undefined) this.#setValue(o.path, actor, o.at, o.value, 'active');
    if (o.context !== undefined) this.#stats(o.path, actor, o.at, o.value, o.context);
  }

  #microstep(o: Observation): void {
    const actor = this.#actors.get(o.path);
    if (!actor) return;
    const edges: Array<{ source: string; target: string }> = [];
    for (const transition of o.transitions ?? []) {
      for (const target of transition.targets) edges.push({ source: transition.source, target });
    }
    if (edges.length === 0) return;
    if (actor.machine === 'shard') {
      for (const edge of edges) {
        if (edge.target.endsWith('.identifying')) actor.identifies += 1;
        else if (edge.target.endsWith('.resuming')) actor.resumes += 1;
      }
    }
    const event = o.event ?? o.transitions?.[0]?.event ?? '';
    const value = o.value ?? null;
    actor.valueKey = JSON.stringify(value);
    const step: InspectorStep = { t: 'transition', at: o.at, actor: o.path, event, label: eventLabel(event), edges, value };
    actor.last.state = { t: 'state', at: o.at, actor: o.path, value, status: 'active' };
    this.#emit(step);
    if (o.context !== undefined) this.#stats(o.path, actor, o.at, value, o.context);
  }

  #setValue(path: string, actor: ActorState, at: number, value: unknown, status: string): void {
    const key = JSON.stringify(value);
    if (key === actor.valueKey && status === actor.status) return;
    actor.valueKey = key;
    const step: InspectorStep = { t: 'state', at, actor: path, value, status };
    actor.last.state = step;
    this.#emit(step);
  }

  #end(path: string, at: number, status: string): void {
    const actor = this.#actors.get(path);
    if (!actor || actor.status !== 'active') return;
    actor.status = status;
    this.#emit({ t: 'end', at, actor: path, status });
  }

  #stats(path: string, actor: ActorState, at: number, value: unknown, context: unknown): void {
    const stats = actor.machine === 'shard' ? this.#shardStats(actor, at, value, context) : actor.machine === 'token' ? this.#tokenStats(actor, at, value, context) : null;
    if (!stats) return;
    const key = JSON.stringify(stats);
    if (key === actor.statsKey) return;
    actor.statsKey = key;
    const step: InspectorStep = { t: 'stats', at, actor: path, stats };
    actor.last.stats = step;
    this.#emit(step);
  }

  #shardStats(actor: ActorState, at: number, value: unknown, context: unknown): ShardStats {
    const c = (context ?? {}) as Record<string, unknown>;
    const dispatches = (c['dispatches'] ?? {}) as { seq?: unknown; delivered?: unknown };
    const delivered = typeof dispatches.delivered === 'number' ? dispatches.delivered : 0;
    if (!actor.rateSample || delivered < actor.rateSample.delivered) actor.rateSample = { at, delivered };
    else if (at - actor.rateSample.at >= 1_000) {
      actor.eventsPerSec = Math.round(((delivered - actor.rateSample.delivered) * 1_000) / (at - actor.rateSample.at));
      actor.rateSample = { at, delivered };
    }
    if (this.#errorsFromContext) this.#errorOf(actor, at, c['error']);
    const sessionId = typeof c['sessionId'] === 'string' ? c['sessionId'] : null;
    // `heartbeat.latencyMs` since issue 20; recordings made before have `heartbeatLatencyMs`.
    const latency = (c['heartbeat'] as { latencyMs?: unknown } | undefined)?.latencyMs ?? c['heartbeatLatencyMs'];
    const rtt = typeof latency === 'number' ? Math.round(latency * 10) / 10 : null;
    return {
      kind: 'shard',
      state: dotted((value as { connection?: unknown } | null)?.connection ?? null),
      session: sessionId === null ? null : sessionId.slice(0, 8),
      seq: typeof dispatches.seq === 'number' ? dispatches.seq : null,
      rttMs: rtt,
      eventsPerSec: actor.eventsPerSec,
      delivered,
      reconnects: typeof c['reconnects'] === 'number' ? c['reconnects'] : 0,
      resumes: actor.resumes,
      identifies: actor.identifies,
    };
  }

  #tokenStats(actor: ActorState, at: number, value: unknown, context: unknown): TokenStats {
    const c = (context ?? {}) as Record<string, unknown>;
    const fetches = typeof c['fetchCount'] === 'number' ? c['fetchCount'] : 0;
    const expiresInSeconds = typeof c['expiresInSeconds'] === 'number' ? c['expiresInSeconds'] : 0;
    if (fetches !== actor.lastFetches) {
      actor.lastFetches = fetches;
      actor.issuedAt = at;
    }
    const state = tokenState(value);
    return {
      kind: 'token',
      state,
      expiresAt: actor.issuedAt !== null && state === 'live' ? actor.issuedAt + expiresInSeconds * 1_000 : null,
      fetches,
    };
  }

  #errorOf(actor: ActorState, at: number, error: unknown): void {
    if (!error || typeof error !== 'object') {
      actor.errorKey = '';
      return;
    }
    const e = error as { code?: unknown; message?: unknown; name?: unknown; fatal?: unknown };
    const key = `${String(e.code)}|${String(e.message)}`;
    if (key === actor.errorKey) return;
    actor.errorKey = key;
    const path = [...this.#actors.entries()].find(([, a]) => a === actor)?.[0] ?? null;
    this.#emit({ t: 'error', at, actor: path, code: String(e.code ?? e.name ?? 'ERROR'), message: String(e.message ?? ''), fatal: e.fatal === true });
  }
}

function tokenState(value: unknown): string {
  if (value === 'failed' || value === 'stopped' || value === 'idle') return value === 'idle' ? 'none' : value;
  const lifetime = (value as { active?: { lifetime?: unknown } } | null)?.active?.lifetime;
  return typeof lifetime === 'string' ? lifetime : 'none';
}
