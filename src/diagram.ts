import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import { botMachine } from '../machines/bot.machine.js';
import { gatewayDiscoveryMachine } from '../machines/gateway.machine.js';
import { identifyThrottleMachine } from '../machines/identify-throttle.machine.js';
import { shardMachine } from '../machines/shard.machine.js';
import { tokenMachine } from '../machines/token.machine.js';
import { webhookMachine } from '../machines/webhook.machine.js';
import { identifyCoordinationMachine } from '../machines/identify-coordination.machine.js';
import { sessionFlushMachine } from '../machines/session-flush.machine.js';
import { shardLeaseMachine } from '../machines/shard-lease.machine.js';

type DirectedGraph = ReturnType<typeof toDirectedGraph>;
export type Edge = DirectedGraph['edges'][number];
export type Node = DirectedGraph['stateNode'];

/**
 * Renders a machine definition as a Mermaid `stateDiagram-v2`, offline, from `toDirectedGraph`.
 *
 * - Compound states become composite states with their `[*]` initial arrow; the regions of a
 *   parallel state are separated by `--`; final states get an arrow to `[*]`.
 * - Edge labels: the event type; `after DELAY` for a delayed transition (the delay's name, or
 *   `N ms`); `done: <id>` / `error: <id>` for an invoked actor's completion or failure; `always`
 *   for an eventless transition; the guard in brackets (`GATEWAY.HELLO [canResume]`).
 * - A transition without a target (actions only) is drawn as a self-loop.
 * - A transition of the machine's root (taken from any state) becomes a note on its target.
 * - Each edge is written inside the innermost composite state that contains both ends.
 *
 * The output depends only on the definition, so it is stable: `npm run docs:machines` writes it to
 * `docs/machines/`, and a test fails when a committed diagram is out of date.
 *
 * @example
 * ```ts
 * import { createMachine } from 'xstate';
 * import { toMermaid } from './diagram.js';
 *
 * const door = createMachine({
 *   id: 'door',
 *   initial: 'closed',
 *   states: { closed: { on: { OPEN: 'open' } }, open: { after: { 5000: 'closed' } } },
 * });
 * toMermaid(door);
 * // stateDiagram-v2
 * //   [*] --> door_closed
 * //   state "closed" as door_closed
 * //   state "open" as door_open
 * //   door_closed --> door_open : OPEN
 * //   door_open --> door_closed : after 5000 ms
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const { root, edges } = machineEdges(machine);
  const lines: string[] = ['stateDiagram-v2'];
  const edgesByScope = new Map<Node, Edge[]>();
  const rootEdges: Edge[] = [];
  for (const edge of edges) {
    if (edge.source === root && edge.transition.eventType !== '') rootEdges.push(edge);
    else {
      const scope = commonScope(edge.source, edge.target, root);
      edgesByScope.set(scope, [...(edgesByScope.get(scope) ?? []), edge]);
    }
  }

  const writeScope = (node: Node, pad: string): void => {
    const children = Object.values(node.states) as Node[];
    if (node.type === 'compound' && node.initial) {
      for (const target of node.initial.target) lines.push(`${pad}[*] --> ${mermaidId(target)}`);
    }
    children.forEach((child, index) => {
      if (node.type === 'parallel' && index > 0 && node !== root) lines.push(`${pad}--`);
      const childStates = Object.values(child.states);
      if (childStates.length > 0) {
        lines.push(`${pad}state "${child.key}" as ${mermaidId(child)} {`);
        writeScope(child, `${pad}  `);
        lines.push(`${pad}}`);
      } else {
        lines.push(`${pad}state "${child.key}" as ${mermaidId(child)}`);
      }
      if (child.type === 'final') lines.push(`${pad}${mermaidId(child)} --> [*]`);
    });
    for (const edge of edgesByScope.get(node) ?? []) {
      lines.push(`${pad}${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : ${edgeLabel(edge)}`);
    }
  };
  writeScope(root, '  ');
  for (const edge of rootEdges) {
    lines.push(`  note left of ${mermaidId(edge.target)} : ${edgeLabel(edge)} (from any state)`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Every transition of a machine definition as an edge (source and target state nodes): the edges of
 * `toDirectedGraph`, then the eventless (`always`) transitions, which it leaves out. A transition
 * without a target is a self-loop. Shared by the Mermaid diagrams and the live inspector's drawing.
 */
export function machineEdges(machine: AnyStateMachine): { root: Node; edges: Edge[] } {
  const graph = toDirectedGraph(machine);
  const root = graph.stateNode;
  const edges: Edge[] = [];
  const collect = (g: DirectedGraph): void => {
    edges.push(...g.edges);
    for (const child of g.children) collect(child);
  };
  collect(graph);
  for (const node of allNodes(root)) {
    for (const transition of node.always ?? []) {
      for (const target of transition.target ?? [node]) {
        edges.push({ source: node, target, transition, label: { text: '' } } as unknown as Edge);
      }
    }
  }
  return { root, edges };
}

/** `xstate.after.HEARTBEAT_INTERVAL.shard.…` → `after HEARTBEAT_INTERVAL`; `xstate.done.actor.x` → `done: x`. */
export function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return /^\d+$/.test(after[1] ?? '') ? `after ${after[1]} ms` : `after ${after[1]}`;
  const invoke = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (invoke) return `${invoke[1]}: ${invoke[2]}`;
  return eventType;
}

/** The label of an edge: its event (or named delay, or `always`) and its guard in brackets. */
export function edgeLabel(edge: Edge): string {
  const guard = guardName(edge.transition.guard);
  const text = `${eventLabel(edge.transition.eventType)}${guard ? ` [${guard}]` : ''}`;
  // ';' and '#' end or escape a Mermaid statement
  return text.replace(/[;#]/g, ' ');
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guard';
}

function mermaidId(node: { id: string }): string {
  return node.id.replace(/[^A-Za-z0-9]/g, '_');
}

function allNodes(node: Node): Node[] {
  return [node, ...(Object.values(node.states) as Node[]).flatMap(allNodes)];
}

function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let current: Node | undefined = node.parent; current; current = current.parent) out.push(current);
  return out;
}

/** The innermost compound state that contains both ends (a self-loop goes in its state's parent). */
function commonScope(source: Node, target: Node, root: Node): Node {
  const targetAncestors = new Set([target, ...ancestors(target)]);
  for (const candidate of ancestors(source)) {
    if (candidate !== source && targetAncestors.has(candidate) && candidate !== target) return candidate;
  }
  return root;
}

/** The machines the docs show, with the one-line description each page starts with. */
export const documentedMachines: ReadonlyArray<{ machine: AnyStateMachine; file: string; description: string }> = [
  { machine: botMachine, file: 'machines/bot.machine.ts', description: 'The bot: token → gateway discovery → shards → running; stopping, stopped, failed.' },
  {
    machine: tokenMachine,
    file: 'machines/token.machine.ts',
    description: 'The access token: fetch, serve, refresh inside the 60-second overlap, back off, fail on rejected credentials.',
  },
  {
    machine: gatewayDiscoveryMachine,
    file: 'machines/gateway.machine.ts',
    description: 'Gateway discovery: `GET /gateway/bot`, falling back to `GET /gateway`, or a configured URL.',
  },
  {
    machine: identifyThrottleMachine,
    file: 'machines/identify-throttle.machine.ts',
    description: 'Paces IDENTIFY by `session_start_limit`: one per bucket per 5 s, none once the budget is spent.',
  },
  { machine: shardMachine, file: 'machines/shard.machine.ts', description: 'One gateway connection (a shard): handshake, heartbeats, resume and reconnect.' },
  {
    machine: webhookMachine,
    file: 'machines/webhook.machine.ts',
    description: 'The webhook (HTTP callback) transport: listening, op 13 validation, serving verified dispatches once each, rejections; stopped.',
  },
  {
    machine: sessionFlushMachine,
    file: 'machines/session-flush.machine.ts',
    description: 'When sessions are written to the session store: every FLUSH_INTERVAL, at once on a new session, a last time on stop.',
  },
  {
    machine: identifyCoordinationMachine,
    file: 'machines/identify-coordination.machine.ts',
    description: 'IDENTIFY across processes: each grant of the local throttle confirmed by the shared coordinator (bucket window, session budget).',
  },
  {
    machine: shardLeaseMachine,
    file: 'machines/shard-lease.machine.ts',
    description: 'Shard lease rounds every RENEW_INTERVAL; on stop, the leases given back.',
  },
];

/** Where a machine's source compiles to in the package (`files` ships dist/machines, not machines/). */
function compiled(file: string): string {
  return `dist/${file.replace(/\.ts$/, '.js')}`;
}

const generatedNote = '<!-- Generated by `npm run docs:machines` from the machine definitions. Do not edit. -->';

/**
 * Every file of `docs/machines/`: `<machine id>.md` per machine (heading, one-line description,
 * the Mermaid block) and a `README.md` index. Keys are file names.
 */
export function renderMachineDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const index = [
    '# State machine diagrams / 状态图',
    '',
    generatedNote,
    '',
    '由状态机定义生成（`npm run docs:machines`），CI 检查它们是否最新。Generated from the machine definitions',
    'by `npm run docs:machines`; a test fails when one is out of date. See [../lifecycle.md](../lifecycle.md)',
    'for what each state means and [../testing.md](../testing.md) for how every transition is tested.',
    '',
    'Sources are repository paths; the package ships them compiled under `dist/machines/`.',
    '',
    '| machine | source | what it does |',
    '| --- | --- | --- |',
  ];
  for (const { machine, file, description } of documentedMachines) {
    files.set(
      `${machine.id}.md`,
      [`# ${machine.id}`, '', generatedNote, '', `${description} Source: \`${file}\` in the repository; in the package, \`${compiled(file)}\`.`, '', '```mermaid', toMermaid(machine).trimEnd(), '```', ''].join(
        '\n',
      ),
    );
    index.push(`| [${machine.id}](${machine.id}.md) | \`${file}\` | ${description} |`);
  }
  files.set('README.md', `${index.join('\n')}\n`);
  return files;
}
