import type { AnyActorRef, AnyStateMachine, InspectionEvent } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/**
 * Transition coverage of the real machines, measured at run time.
 *
 * Both sides use one key per transition definition, `<source state id>|<event type>|<index>`:
 * - the definition side enumerates `node.transitions` (on, after, invoke done/error) and
 *   `node.always` of every state node;
 * - the run-time side reads the `_transitions` of every `@xstate.microstep` inspection event
 *   (the transitions the actor actually took, eventless ones included).
 * State ids survive `.provide()`, so the keys of a provided machine equal those of its definition.
 */

/** The parts of an XState transition definition the gate reads (xstate 5.33: semi-internal). */
interface TransitionLike {
  source: StateNodeLike;
  eventType: string;
  guard?: unknown;
  target?: ReadonlyArray<{ id: string }>;
}

interface StateNodeLike {
  id: string;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

export const ALWAYS = 'always';

export interface TransitionInfo {
  key: string;
  machine: string;
  /** State id without the machine id, e.g. `connection.session.connecting` ("(root)" for the machine). */
  state: string;
  /** Readable event: `SOCKET.OPEN`, `after CONNECT_TIMEOUT`, `done: acquireToken`, `always`. */
  event: string;
  index: number;
  guard: string | null;
  target: string;
}

export function transitionKey(transition: TransitionLike): string {
  const source = transition.source;
  const always = source.always?.indexOf(transition) ?? -1;
  if (always !== -1) return `${source.id}|${ALWAYS}|${always}`;
  const list = source.transitions.get(transition.eventType) ?? [];
  return `${source.id}|${transition.eventType}|${list.indexOf(transition)}`;
}

/** `xstate.after.HEARTBEAT_INTERVAL.shard.…` → `after HEARTBEAT_INTERVAL`, `xstate.done.actor.x` → `done: x`. */
export function describeEventType(eventType: string): string {
  if (eventType === '' || eventType === ALWAYS) return ALWAYS;
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${/^\d+$/.test(after[1] ?? '') ? `${after[1]} ms` : after[1]}`;
  const invoke = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (invoke) return `${invoke[1]}: ${invoke[2]}`;
  return eventType;
}

export function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guard';
}

/** Every transition of `machine`, in definition order. */
export function enumerateTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const out: TransitionInfo[] = [];
  const nodes = [machine.root, ...getStateNodes(machine.root)] as unknown as StateNodeLike[];
  const local = (id: string) => (id === machine.id ? '(root)' : id.slice(machine.id.length + 1));
  const add = (node: StateNodeLike, eventType: string, transition: TransitionLike, index: number) =>
    out.push({
      key: `${node.id}|${eventType}|${index}`,
      machine: machine.id,
      state: local(node.id),
      event: describeEventType(eventType),
      index,
      guard: guardName(transition.guard),
      target: transition.target?.map((t) => local(t.id)).join(', ') || '(stays)',
    });
  for (const node of nodes) {
    for (const [eventType, list] of node.transitions) list.forEach((t, i) => add(node, eventType, t, i));
    node.always?.forEach((t, i) => add(node, ALWAYS, t, i));
  }
  return out;
}

/**
 * Collects the transitions real actors take. Pass `recorder.inspect` (or `recorder.observe`) as the
 * `inspect` option of the root actor: it sees every actor of that system, children included.
 */
export class TransitionRecorder {
  readonly taken = new Set<string>();

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    for (const transition of (event as unknown as { _transitions: TransitionLike[] })._transitions) {
      this.taken.add(transitionKey(transition));
    }
  };
}

export interface MachineCoverage {
  machine: string;
  total: number;
  taken: number;
  missing: TransitionInfo[];
}

export function measure(machines: readonly AnyStateMachine[], taken: ReadonlySet<string>): MachineCoverage[] {
  return machines.map((machine) => {
    const all = enumerateTransitions(machine);
    const missing = all.filter((t) => !taken.has(t.key));
    return { machine: machine.id, total: all.length, taken: all.length - missing.length, missing };
  });
}

export function describeTransition(t: TransitionInfo): string {
  return `${t.state} —${t.event}${t.guard ? ` [${t.guard}]` : ''}→ ${t.target}  (#${t.index})`;
}

/** The per-machine table the gate prints. */
export function formatCoverageTable(rows: readonly MachineCoverage[]): string {
  const width = Math.max(7, ...rows.map((r) => r.machine.length));
  const lines = [`${'machine'.padEnd(width)}  taken / total  coverage`, `${'-'.repeat(width)}  -------------  --------`];
  let taken = 0;
  let total = 0;
  for (const row of rows) {
    taken += row.taken;
    total += row.total;
    lines.push(`${row.machine.padEnd(width)}  ${`${row.taken} / ${row.total}`.padStart(13)}  ${percent(row.taken, row.total).padStart(8)}`);
  }
  lines.push(`${'all'.padEnd(width)}  ${`${taken} / ${total}`.padStart(13)}  ${percent(taken, total).padStart(8)}`);
  const missing = rows.filter((r) => r.missing.length > 0);
  if (missing.length > 0) {
    lines.push('', 'Transitions no test took (state —event [guard]→ target):');
    for (const row of missing) for (const t of row.missing) lines.push(`  ${row.machine}: ${describeTransition(t)}`);
  }
  return lines.join('\n');
}

function percent(taken: number, total: number): string {
  return total === 0 ? '—' : `${Math.floor((taken / total) * 1000) / 10}%`;
}

/** Keeps actor refs by actor id as they are created (children leave the parent's snapshot when done). */
export function actorCatcher(onActor: (ref: AnyActorRef) => void): (event: InspectionEvent) => void {
  return (event) => {
    if (event.type === '@xstate.actor') onActor(event.actorRef as AnyActorRef);
  };
}
