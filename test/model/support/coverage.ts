import type { AnyActorRef, AnyStateMachine, InspectionEvent } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/**
 * Transition coverage of the real machines, measured at run time.
 *
 * Both sides use one key per transition definition, `<source state id>|<event type>|<index>`:
 * - the definition side enumerates `node.transitions` (on, after, invoke done/error) and
 *   `node.always` of every state node;
 * - the run-time side reads the `_transitions` of every `@xstate.microstep` inspection event, eventless
 *   ones included. XState lists there the transitions it *selected* for the event, before it drops
 *   those that conflict (two regions of a parallel state leaving the same states: the one in the
 *   deeper or earlier source wins). The recorder re-applies that rule (`withoutConflicts`, after
 *   xstate 5.33's `removeConflictingTransitions`) against the states active before the microstep,
 *   so only the transitions really taken count.
 * State ids survive `.provide()`, so the keys of a provided machine equal those of its definition.
 */

/** The parts of an XState transition definition the gate reads (xstate 5.33: semi-internal). */
interface TransitionLike {
  source: StateNodeLike;
  eventType: string;
  guard?: unknown;
  target?: ReadonlyArray<StateNodeLike>;
  reenter?: boolean;
}

interface StateNodeLike {
  id: string;
  parent?: StateNodeLike;
  machine?: { root: StateNodeLike };
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

function isDescendant(child: StateNodeLike, parent: StateNodeLike): boolean {
  let marker = child;
  while (marker.parent && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
}

function properAncestors(node: StateNodeLike): StateNodeLike[] {
  const out: StateNodeLike[] = [];
  for (let marker = node.parent; marker; marker = marker.parent) out.push(marker);
  return out;
}

/** The state whose descendants a transition exits (xstate's getTransitionDomain; no history states here). */
function transitionDomain(t: TransitionLike): StateNodeLike | undefined {
  const targets = t.target ?? [];
  if (!t.reenter && targets.every((target) => target === t.source || isDescendant(target, t.source))) return t.source;
  const [head, ...tail] = [...targets, t.source];
  const lca = properAncestors(head!).find((ancestor) => tail.every((node) => isDescendant(node, ancestor)));
  if (lca) return lca;
  return t.reenter ? undefined : t.source.machine?.root;
}

function exitSet(t: TransitionLike, active: readonly StateNodeLike[]): Set<StateNodeLike> {
  const out = new Set<StateNodeLike>();
  if (!t.target?.length) return out;
  const domain = transitionDomain(t);
  if (!domain) return out;
  if (t.reenter && t.source === domain) out.add(domain);
  for (const node of active) if (isDescendant(node, domain)) out.add(node);
  return out;
}

/**
 * The transitions XState takes out of those it selected: for each pair whose exit sets intersect,
 * the one with the descendant source wins, otherwise the earlier one (removeConflictingTransitions).
 */
export function withoutConflicts(selected: readonly TransitionLike[], active: readonly StateNodeLike[]): TransitionLike[] {
  const kept = new Set<TransitionLike>();
  for (const t1 of selected) {
    let preempted = false;
    const remove = new Set<TransitionLike>();
    const exit1 = exitSet(t1, active);
    for (const t2 of kept) {
      const exit2 = exitSet(t2, active);
      if ([...exit1].some((node) => exit2.has(node))) {
        if (isDescendant(t1.source, t2.source)) remove.add(t2);
        else {
          preempted = true;
          break;
        }
      }
    }
    if (!preempted) {
      for (const t of remove) kept.delete(t);
      kept.add(t1);
    }
  }
  return [...kept];
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
  /** Selected by XState but dropped as conflicting: not taken. */
  readonly preempted = new Set<string>();
  /** The active state nodes of each actor after its last microstep or snapshot. */
  readonly #active = new WeakMap<object, readonly StateNodeLike[]>();

  readonly inspect = (event: InspectionEvent): void => {
    const nodes = (event as { snapshot?: { _nodes?: StateNodeLike[] } }).snapshot?._nodes;
    if (event.type === '@xstate.snapshot') {
      if (nodes) this.#active.set(event.actorRef, nodes);
      return;
    }
    if (event.type !== '@xstate.microstep') return;
    const selected = (event as unknown as { _transitions: TransitionLike[] })._transitions;
    const before = this.#active.get(event.actorRef);
    const taken = before ? withoutConflicts(selected, before) : selected;
    for (const transition of taken) this.taken.add(transitionKey(transition));
    for (const transition of selected) if (!taken.includes(transition)) this.preempted.add(transitionKey(transition));
    if (nodes) this.#active.set(event.actorRef, nodes);
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
