/**
 * The page's model: what the steps say about each actor. These functions run in the browser (the
 * server sends their source, see assets.ts) and in the tests; each must stand alone — no imports
 * at run time, only other page functions called by name.
 */
import type { InspectorStep, ShardStats, TokenStats } from '../steps.js';

export interface PageActor {
  path: string;
  parent: string | null;
  id: string;
  machine: string | null;
  value: unknown;
  status: string;
  /** The last transition: its edges, event and when. */
  fired: { edges: Array<{ source: string; target: string }>; event: string; at: number } | null;
  stats: ShardStats | TokenStats | null;
  since: number;
}

export interface PageModel {
  actors: Map<string, PageActor>;
  /** The time of the last step applied (replay: the slider's time). */
  at: number;
}

export function createModel(): PageModel {
  return { actors: new Map(), at: 0 };
}

/** Applies one step to the model. Steps for an actor the model does not know are ignored. */
export function applyStep(model: PageModel, step: InspectorStep): void {
  model.at = Math.max(model.at, step.at);
  if (step.t === 'spawn') {
    model.actors.set(step.actor, { path: step.actor, parent: step.parent, id: step.id, machine: step.machine, value: null, status: 'active', fired: null, stats: null, since: step.at });
    return;
  }
  if (step.t === 'error' || step.t === 'dispatch') return;
  const actor = model.actors.get(step.actor);
  if (!actor) return;
  if (step.t === 'state') {
    actor.value = step.value;
    actor.status = step.status;
  } else if (step.t === 'transition') {
    actor.value = step.value;
    actor.fired = { edges: step.edges, event: step.event, at: step.at };
  } else if (step.t === 'end') {
    actor.status = step.status;
  } else if (step.t === 'stats') {
    actor.stats = step.stats;
  }
}

/** The ids of every active state node (`shard.connection`, `shard.connection.session`, …) for a state value. */
export function activeStateIds(machineId: string, value: unknown): string[] {
  const out: string[] = [machineId];
  const visit = (prefix: string, current: unknown): void => {
    if (typeof current === 'string') {
      out.push(`${prefix}.${current}`);
      return;
    }
    if (typeof current !== 'object' || current === null) return;
    for (const key of Object.keys(current)) {
      out.push(`${prefix}.${key}`);
      visit(`${prefix}.${key}`, (current as Record<string, unknown>)[key]);
    }
  };
  visit(machineId, value);
  return out;
}

/** A one-line state: the shard's connection (`session.ready`), or every active leaf (`active.refresh.scheduled · active.lifetime.live`). */
export function stateSummary(machine: string | null, value: unknown): string {
  if (value === null || value === undefined) return '';
  const leaves: string[] = [];
  const visit = (prefix: string, current: unknown): void => {
    if (typeof current === 'string') {
      leaves.push(prefix ? `${prefix}.${current}` : current);
      return;
    }
    if (typeof current !== 'object' || current === null) return;
    const keys = Object.keys(current);
    if (keys.length === 0 && prefix) leaves.push(prefix);
    for (const key of keys) visit(prefix ? `${prefix}.${key}` : key, (current as Record<string, unknown>)[key]);
  };
  if (machine === 'shard' && typeof value === 'object' && value !== null && 'connection' in value) {
    const connection = (value as { connection: unknown }).connection;
    const parts: string[] = [];
    let current = connection;
    while (typeof current === 'object' && current !== null && Object.keys(current).length === 1) {
      const key = Object.keys(current)[0] as string;
      parts.push(key);
      current = (current as Record<string, unknown>)[key];
    }
    if (typeof current === 'string') parts.push(current);
    return parts.join('.');
  }
  visit('', value);
  return leaves.join(' · ');
}

/** `3.2 s`, `12 min`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return 'now';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
