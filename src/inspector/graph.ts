import type { AnyStateMachine } from 'xstate';
import { edgeLabel, eventLabel, machineEdges, type Edge, type Node } from '../diagram.js';

/** A state of a machine as the inspector page draws it: its box, in the machine's own coordinates. */
export interface StateBox {
  /** The XState state node id (`shard.connection.session.ready`): what inspection reports. */
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The child entered first (compound states), drawn with an initial-state dot. */
  initial: string | null;
  /** A region of a parallel state: drawn with a dashed border. */
  region: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  children: StateBox[];
}

/** One transition, drawn as a path from its source's box to its target's. */
export interface TransitionEdge {
  source: string;
  target: string;
  /** The raw event type (`xstate.after.HEARTBEAT_INTERVAL.shard…`), to match a fired transition. */
  event: string;
  /** What is written on it: the event, `after DELAY`, `done: id`, `always`, with its guard. */
  label: string;
  kind: 'event' | 'after' | 'always' | 'done' | 'error';
  /** SVG path data. */
  path: string;
  labelX: number;
  labelY: number;
}

/** A machine definition as data the page can draw without XState: its states laid out, its transitions. */
export interface MachineGraph {
  id: string;
  width: number;
  height: number;
  root: StateBox;
  edges: TransitionEdge[];
}

const charWidth = 7.2;
const atomicHeight = 32;
const headerHeight = 24;
const padding = 14;
const gapX = 56;
const gapY = 40;
const maxParallelWidth = 1500;

/**
 * Lays out a machine definition for the inspector page: every state node as a box (compound
 * states contain their children, parallel regions sit side by side with a dashed border), every
 * transition as an edge labelled like the Mermaid diagrams (`machineEdges` / `edgeLabel` of
 * src/diagram.ts). Depends only on the definition, so the same machine is drawn the same way live
 * and in a replay.
 *
 * @example
 * ```ts
 * const graph = describeMachine(shardMachine);
 * graph.edges.find((e) => e.label === 'GATEWAY.READY'); // identifying → ready
 * ```
 */
export function describeMachine(machine: AnyStateMachine): MachineGraph {
  const { root, edges } = machineEdges(machine);
  const siblingsOrder = orderHints(edges);
  const rootBox = layout(root, siblingsOrder, true, false);
  place(rootBox, 0, 0);
  const boxes = new Map<string, StateBox>();
  const index = (box: StateBox): void => {
    boxes.set(box.id, box);
    box.children.forEach(index);
  };
  index(rootBox);
  const routed = routeEdges(edges, boxes, root);
  return { id: machine.id, width: rootBox.w, height: rootBox.h, root: rootBox, edges: routed };
}

/** For each compound state, its children in the order a reader follows them: from the initial state, along transitions. */
function orderHints(edges: Edge[]): Map<Node, Node[]> {
  const next = new Map<Node, Node[]>();
  for (const edge of edges) {
    const [a, b] = siblingPair(edge.source, edge.target);
    if (!a || !b || a === b) continue;
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  const order = new Map<Node, Node[]>();
  const visitParent = (parent: Node): void => {
    const children = Object.values(parent.states) as Node[];
    if (children.length === 0) return;
    const seen = new Set<Node>();
    const queue: Node[] = [];
    const initial = parent.initial?.target[0];
    if (parent.type !== 'parallel' && initial && children.includes(initial)) queue.push(initial);
    const result: Node[] = [];
    const drain = (): void => {
      while (queue.length > 0) {
        const node = queue.shift() as Node;
        if (seen.has(node)) continue;
        seen.add(node);
        result.push(node);
        for (const target of next.get(node) ?? []) if (!seen.has(target)) queue.push(target);
      }
    };
    drain();
    // final states last, in definition order, so "stopped / failed" sit together at the end
    for (const child of children) {
      if (!seen.has(child) && child.type !== 'final' && parent.type !== 'parallel') {
        queue.push(child);
        drain();
      }
    }
    const finals = children.filter((c) => !seen.has(c) && c.type === 'final');
    const ordered = parent.type === 'parallel' ? children : [...result.filter((n) => n.type !== 'final'), ...result.filter((n) => n.type === 'final'), ...finals];
    order.set(parent, ordered);
    children.forEach(visitParent);
  };
  const roots = new Set<Node>();
  for (const edge of edges) roots.add(topOf(edge.source));
  roots.forEach(visitParent);
  return order;
}

function topOf(node: Node): Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/** The two ancestors-or-selves of a and b that are siblings (children of the same compound state). */
function siblingPair(a: Node, b: Node): [Node | undefined, Node | undefined] {
  const chainA = [a, ...ancestors(a)];
  const chainB = [b, ...ancestors(b)];
  for (const x of chainA) {
    for (const y of chainB) {
      if (x.parent && x.parent === y.parent) return [x, y];
    }
  }
  return [undefined, undefined];
}

function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let current = node.parent; current; current = current.parent) out.push(current);
  return out;
}

/** Sizes every box bottom-up; positions are relative to the parent until `place`. */
function layout(node: Node, order: Map<Node, Node[]>, isRoot: boolean, region: boolean): StateBox {
  const children = order.get(node) ?? (Object.values(node.states) as Node[]);
  const labelWidth = node.key.length * charWidth + 28;
  const box: StateBox = {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: node.type === 'compound' ? (node.initial?.target[0]?.id ?? null) : null,
    region,
    x: 0,
    y: 0,
    w: Math.max(96, labelWidth),
    h: atomicHeight,
    children: [],
  };
  if (children.length === 0) return box;
  const parallel = node.type === 'parallel';
  box.children = children.map((child) => layout(child, order, false, parallel));
  const top = isRoot ? 8 : headerHeight;
  if (parallel) {
    const sideBySide = box.children.reduce((sum, c) => sum + c.w, 0) + gapX / 2 * (box.children.length - 1) <= maxParallelWidth;
    let x = padding;
    let y = top;
    let width = 0;
    for (const child of box.children) {
      child.x = x;
      child.y = y;
      if (sideBySide) x += child.w + gapX / 2;
      else y += child.h + gapY / 2;
      width = Math.max(width, sideBySide ? x - gapX / 2 : child.w);
    }
    const height = sideBySide ? Math.max(...box.children.map((c) => c.h)) : y - gapY / 2 - top;
    // regions share one height (or width), so their dashed borders line up
    for (const child of box.children) {
      if (sideBySide) child.h = height;
      else child.w = width;
    }
    box.w = Math.max(box.w, width + padding * (sideBySide ? 1 : 2));
    box.h = top + height + padding;
    return box;
  }
  // rows: wrap when a row grows wider than a roughly square arrangement would need
  const area = box.children.reduce((sum, c) => sum + (c.w + gapX) * (c.h + gapY), 0);
  const widest = Math.max(...box.children.map((c) => c.w));
  const rowLimit = Math.max(widest, Math.sqrt(area) * 1.5);
  let x = padding;
  let y = top + 6;
  let rowHeight = 0;
  let width = 0;
  for (const child of box.children) {
    if (x > padding && x + child.w > rowLimit + padding) {
      x = padding;
      y += rowHeight + gapY;
      rowHeight = 0;
    }
    child.x = x;
    child.y = y;
    x += child.w + gapX;
    rowHeight = Math.max(rowHeight, child.h);
    width = Math.max(width, x - gapX);
  }
  box.w = Math.max(box.w, width + padding);
  box.h = y + rowHeight + padding;
  return box;
}

/** Turns relative positions into absolute ones. */
function place(box: StateBox, originX: number, originY: number): void {
  box.x += originX;
  box.y += originY;
  for (const child of box.children) place(child, box.x, box.y);
}

function routeEdges(edges: Edge[], boxes: Map<string, StateBox>, root: Node): TransitionEdge[] {
  const pairCount = new Map<string, number>();
  const out: TransitionEdge[] = [];
  for (const edge of edges) {
    const source = boxes.get(edge.source.id);
    const target = boxes.get(edge.target.id);
    if (!source || !target) continue;
    const eventType = edge.transition.eventType;
    const pair = [edge.source.id, edge.target.id].sort().join('→');
    const nth = pairCount.get(pair) ?? 0;
    pairCount.set(pair, nth + 1);
    const geometry =
      source === target
        ? selfLoop(source, nth)
        : contains(source, target) || edge.source === root
          ? fromContainer(source, target, nth)
          : contains(target, source)
            ? toContainer(source, target, nth)
            : between(source, target, nth, edge.source.id < edge.target.id ? 1 : -1);
    out.push({
      source: edge.source.id,
      target: edge.target.id,
      event: eventType,
      label: edgeLabel(edge),
      kind: kindOf(eventType),
      ...geometry,
    });
  }
  return out;
}

function kindOf(eventType: string): TransitionEdge['kind'] {
  if (eventType === '') return 'always';
  const label = eventLabel(eventType);
  if (label.startsWith('after ')) return 'after';
  if (label.startsWith('done: ')) return 'done';
  if (label.startsWith('error: ')) return 'error';
  return 'event';
}

function contains(outer: StateBox, inner: StateBox): boolean {
  return inner !== outer && inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

type Geometry = Pick<TransitionEdge, 'path' | 'labelX' | 'labelY'>;

const round = (n: number): number => Math.round(n * 10) / 10;

function selfLoop(box: StateBox, nth: number): Geometry {
  const x = box.x + box.w - 18 - nth * 14;
  const y = box.y;
  const lift = 22 + nth * 14;
  return { path: `M${round(x - 8)},${round(y)} C${round(x - 14)},${round(y - lift)} ${round(x + 14)},${round(y - lift)} ${round(x + 8)},${round(y)}`, labelX: round(x), labelY: round(y - lift - 2) };
}

/**
 * A transition of a compound state (or the machine) to one of its own descendants, taken from any
 * state inside it: a short arrow into the target, labelled at its tail, like a note "from any state".
 */
function fromContainer(_container: StateBox, target: StateBox, nth: number): Geometry {
  const tx = target.x + target.w / 2 + nth * 12;
  const ty = target.y;
  const sy = ty - 20;
  return { path: `M${round(tx)},${round(sy)} L${round(tx)},${round(ty)}`, labelX: round(tx), labelY: round(sy - 6 - nth * 12) };
}

/** A descendant's transition to its own ancestor (a reentry): drawn up to the ancestor's header. */
function toContainer(source: StateBox, container: StateBox, nth: number): Geometry {
  const sx = source.x + source.w / 2 + nth * 10;
  const sy = source.y;
  const tx = sx;
  const ty = container.y + 14;
  return { path: `M${round(sx)},${round(sy)} L${round(tx)},${round(ty)}`, labelX: round(tx), labelY: round((sy + ty) / 2) };
}

/** Between two separate boxes: a curve from border to border, bent aside when several share a pair. */
function between(source: StateBox, target: StateBox, nth: number, side: number): Geometry {
  const sc = { x: source.x + source.w / 2, y: source.y + source.h / 2 };
  const tc = { x: target.x + target.w / 2, y: target.y + target.h / 2 };
  const start = borderPoint(source, tc);
  const end = borderPoint(target, sc);
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  const length = Math.hypot(dx, dy) || 1;
  const bend = (18 + nth * 16) * side;
  const cx = (start.x + end.x) / 2 + (-dy / length) * bend;
  const cy = (start.y + end.y) / 2 + (dx / length) * bend;
  // the label sits on the curve's midpoint: 0.25·start + 0.5·control + 0.25·end
  return {
    path: `M${round(start.x)},${round(start.y)} Q${round(cx)},${round(cy)} ${round(end.x)},${round(end.y)}`,
    labelX: round(0.25 * start.x + 0.5 * cx + 0.25 * end.x),
    labelY: round(0.25 * start.y + 0.5 * cy + 0.25 * end.y),
  };
}

/** Where the line from the box's centre towards `toward` leaves the box. */
function borderPoint(box: StateBox, toward: { x: number; y: number }): { x: number; y: number } {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const dx = toward.x - cx;
  const dy = toward.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scale = 1 / Math.max(Math.abs(dx) / (box.w / 2), Math.abs(dy) / (box.h / 2));
  return { x: cx + dx * scale, y: cy + dy * scale };
}
