/*
 * Longer than ~350 lines on purpose: this is the text of one browser script served as is (no bundler, nothing from
 * the network), so it cannot import modules of its own.
 */
/**
 * The inspector page's script: the model (what the steps say about each actor), the drawing of a
 * machine graph as SVG, and the page itself (socket, header, actor tree, machine cards, shard
 * table, timeline, errors, replay controls).
 *
 * These functions run in the browser: assets.ts sends their own source, compiled by tsc with the
 * package, joined into one script. They live in one file because a call across modules would not
 * survive that (a bundler or test runner may rewrite imported names); each calls the others by
 * name only. The pure ones (model) are also tested in Node.
 */
import type { MachineGraph, StateBox, TransitionEdge } from '../graph.js';
import type { InspectorStep, ShardStats, TokenStats } from '../steps.js';

// Browser globals: this file's functions run only in the page.
declare const document: any;
declare const window: any;
declare const location: any;
declare const WebSocket: any;
declare const requestAnimationFrame: (callback: () => void) => number;

// ---- the model ------------------------------------------------------------------------------

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

// ---- drawing a machine ------------------------------------------------------------------------

export function svgElement(name: string, attributes: Record<string, string | number>, text?: string): any {
  const element = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Builds the SVG of one machine: boxes for states, paths for transitions; `markerId` must be unique in the page. */
export function buildMachineSvg(graph: MachineGraph, markerId: string): any {
  const margin = 30;
  const svg = svgElement('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `${-margin} ${-margin} ${graph.width + margin * 2} ${graph.height + margin * 2}`,
    width: graph.width + margin * 2,
    height: graph.height + margin * 2,
    class: 'machine-svg',
    'data-machine': graph.id,
  });
  const defs = svgElement('defs', {});
  for (const [suffix, cls] of [['', 'arrow'], ['-hot', 'arrow hot'], ['-fired', 'arrow fired']] as Array<[string, string]>) {
    const marker = svgElement('marker', { id: `${markerId}${suffix}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.appendChild(svgElement('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    defs.appendChild(marker);
  }
  svg.appendChild(defs);
  const containers = svgElement('g', { class: 'containers' });
  const edgesLayer = svgElement('g', { class: 'edges' });
  const atoms = svgElement('g', { class: 'atoms' });
  const labels = svgElement('g', { class: 'labels' });
  svg.append(containers, edgesLayer, atoms, labels);

  const visit = (box: StateBox, depth: number): void => {
    if (depth > 0) {
      const compound = box.children.length > 0;
      const group = svgElement('g', { class: `state ${compound ? 'compound' : 'atomic'}${box.region ? ' region' : ''}${box.type === 'final' ? ' final' : ''}`, 'data-id': box.id });
      group.appendChild(svgElement('title', {}, box.id));
      group.appendChild(svgElement('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: compound ? 10 : 8 }));
      if (box.type === 'final') group.appendChild(svgElement('rect', { class: 'inner', x: box.x + 3, y: box.y + 3, width: box.w - 6, height: box.h - 6, rx: 6 }));
      if (compound) group.appendChild(svgElement('text', { x: box.x + 10, y: box.y + 16, class: 'header' }, box.key));
      else group.appendChild(svgElement('text', { x: box.x + box.w / 2, y: box.y + box.h / 2 + 4, 'text-anchor': 'middle' }, box.key));
      (compound ? containers : atoms).appendChild(group);
    }
    if (box.initial) {
      const first = box.children.find((child) => child.id === box.initial);
      if (first) {
        const dot = svgElement('g', { class: 'initial' });
        dot.appendChild(svgElement('circle', { cx: first.x - 16, cy: first.y + 12, r: 4 }));
        dot.appendChild(svgElement('path', { d: `M${first.x - 12},${first.y + 12} L${first.x - 1},${first.y + 12}`, 'marker-end': `url(#${markerId})` }));
        containers.appendChild(dot);
      }
    }
    for (const child of box.children) visit(child, depth + 1);
  };
  visit(graph.root, 0);

  graph.edges.forEach((edge: TransitionEdge, index: number) => {
    const group = svgElement('g', { class: `edge kind-${edge.kind}`, 'data-source': edge.source, 'data-target': edge.target, 'data-event': edge.event, 'data-index': index });
    group.appendChild(svgElement('title', {}, `${edge.label}: ${edge.source} → ${edge.target}`));
    group.appendChild(svgElement('path', { d: edge.path, 'marker-end': `url(#${markerId})` }));
    edgesLayer.appendChild(group);
    const label = svgElement('text', { x: edge.labelX, y: edge.labelY + 3, 'text-anchor': 'middle', class: 'edge-label', 'data-index': index }, edge.label);
    labels.appendChild(label);
  });
  return svg;
}

/**
 * Lights the active states of `actor` in its SVG, shows the labels of the transitions leaving
 * them, and replays the fired-transition animation when the last transition changed.
 */
export function paintMachine(svg: any, graph: MachineGraph, actor: PageActor, markerId: string, now: number): void {
  const active = new Set(actor.status === 'active' || actor.status === 'done' ? activeStateIds(graph.id, actor.value) : []);
  for (const element of svg.querySelectorAll('g.state')) element.classList.toggle('active', active.has(element.getAttribute('data-id')));
  const fired = actor.fired && now - actor.fired.at < 4_000 ? actor.fired : null;
  const firedKey = fired ? `${fired.at}|${fired.event}|${fired.edges.map((e) => `${e.source}>${e.target}`).join(',')}` : '';
  const restart = svg.getAttribute('data-fired') !== firedKey;
  svg.setAttribute('data-fired', firedKey);
  const edges = svg.querySelectorAll('g.edge');
  const labels = svg.querySelectorAll('text.edge-label');
  edges.forEach((element: any, index: number) => {
    const source = element.getAttribute('data-source');
    const target = element.getAttribute('data-target');
    const isFired = !!fired && fired.edges.some((e) => e.source === source && e.target === target) && (fired.event === element.getAttribute('data-event') || element.getAttribute('data-event') === '');
    const hot = active.has(source);
    element.classList.toggle('hot', hot);
    const path = element.querySelector('path');
    path.setAttribute('marker-end', `url(#${markerId}${isFired ? '-fired' : hot ? '-hot' : ''})`);
    if (restart) {
      element.classList.remove('fired');
      if (isFired) {
        void element.getBoundingClientRect();
        element.classList.add('fired');
      }
    }
    labels[index]?.classList.toggle('shown', hot || isFired);
    labels[index]?.classList.toggle('fired', isFired);
  });
  if (restart) {
    for (const element of svg.querySelectorAll('g.state.entered')) element.classList.remove('entered');
    for (const edge of fired?.edges ?? []) {
      const target = svg.querySelector(`g.state[data-id="${edge.target}"]`);
      if (target) {
        void target.getBoundingClientRect();
        target.classList.add('entered');
      }
    }
  }
}

// ---- the page ---------------------------------------------------------------------------------

interface PageState {
  mode: 'live' | 'replay' | 'connecting';
  machines: Map<string, MachineGraph>;
  model: PageModel;
  /** Every step received (live: since the page opened, plus the server's recent history). */
  steps: InspectorStep[];
  /** Replay: how many steps are applied. */
  position: number;
  clockOffset: number;
  connected: boolean;
  ended: boolean;
  selectedShard: string | null;
  cards: Map<string, { element: any; svg: any; machine: string; markerId: string }>;
  renderQueued: boolean;
  playing: number | null;
  showContent: boolean;
}

export function inspectorMain(): void {
  const state: PageState = {
    mode: 'connecting',
    machines: new Map(),
    model: createModel(),
    steps: [],
    position: 0,
    clockOffset: 0,
    connected: false,
    ended: false,
    selectedShard: null,
    cards: new Map(),
    renderQueued: false,
    playing: null,
    showContent: false,
  };
  window.__inspector = state;
  const $ = (id: string): any => document.getElementById(id);
  const queueRender = (): void => {
    if (state.renderQueued) return;
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      renderAll(state);
    });
  };
  window.__inspectorRender = queueRender;

  for (const id of ['filter', 'actor-filter', 'hide-heartbeats']) $(id).addEventListener('input', () => renderTimeline(state));
  $('all-labels').addEventListener('input', (event: any) => document.body.classList.toggle('all-labels', Boolean(event.target.checked)));
  const seek = (position: number): void => {
    state.position = Math.max(0, Math.min(state.steps.length, position));
    state.model = createModel();
    for (let i = 0; i < state.position; i++) applyStep(state.model, state.steps[i] as InspectorStep);
    // a slider or a button: draw now, not on the next frame
    renderAll(state);
  };
  const stepBy = (direction: 1 | -1): void => {
    let position = state.position;
    do position += direction;
    while (position > 0 && position < state.steps.length && state.steps[position - 1]?.t === 'stats');
    seek(position);
  };
  $('slider').addEventListener('input', (event: any) => seek(Number(event.target.value)));
  $('first').addEventListener('click', () => seek(0));
  $('back').addEventListener('click', () => stepBy(-1));
  $('forward').addEventListener('click', () => stepBy(1));
  $('last').addEventListener('click', () => seek(state.steps.length));
  $('play').addEventListener('click', () => {
    if (state.playing !== null) {
      window.clearInterval(state.playing);
      state.playing = null;
      $('play').textContent = '▶ play';
      return;
    }
    if (state.position >= state.steps.length) seek(0);
    $('play').textContent = '❚❚ pause';
    state.playing = window.setInterval(() => {
      if (state.position >= state.steps.length) {
        window.clearInterval(state.playing);
        state.playing = null;
        $('play').textContent = '▶ play';
        return;
      }
      stepBy(1);
    }, 150);
  });

  const connect = (attempt: number): void => {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    socket.addEventListener('open', () => {
      state.connected = true;
      queueRender();
    });
    socket.addEventListener('message', (event: any) => {
      const message = JSON.parse(event.data);
      if (message.kind === 'init') {
        state.mode = message.mode;
        state.showContent = message.showContent;
        state.clockOffset = message.now - Date.now();
        state.machines = new Map((message.machines as MachineGraph[]).map((m) => [m.id, m]));
        state.model = createModel();
        if (message.mode === 'replay') {
          state.steps = message.history;
          seek(state.steps.length);
        } else {
          state.steps = [...message.history];
          for (const step of message.baseline) applyStep(state.model, step);
        }
      } else if (message.kind === 'steps') {
        state.clockOffset = message.now - Date.now();
        for (const step of message.steps as InspectorStep[]) {
          if (step.t !== 'stats') state.steps.push(step);
          applyStep(state.model, step);
        }
        if (state.steps.length > 5_000) state.steps.splice(0, state.steps.length - 5_000);
      }
      queueRender();
    });
    socket.addEventListener('close', () => {
      state.connected = false;
      queueRender();
      if (state.mode !== 'replay') window.setTimeout(() => connect(attempt + 1), Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  };
  connect(0);
  // "expires in" counts down between batches
  window.setInterval(() => {
    if (state.mode === 'live') renderHeader(state);
  }, 500);
}

/** The time the page shows: the server's clock live, the slider's time in a replay. */
export function pageNow(state: PageState): number {
  return state.mode === 'replay' ? state.model.at : Date.now() + state.clockOffset;
}

export function renderAll(state: PageState): void {
  renderHeader(state);
  renderTree(state);
  renderCards(state);
  renderShards(state);
  renderTimeline(state);
  renderErrors(state);
  renderReplay(state);
}

export function actorsOf(state: PageState, machine: string): PageActor[] {
  return [...state.model.actors.values()].filter((a) => a.machine === machine && a.status === 'active');
}

export function renderHeader(state: PageState): void {
  const $ = (id: string): any => document.getElementById(id);
  $('mode').textContent = state.mode === 'replay' ? 'replay' : state.mode === 'live' ? 'live' : 'connecting…';
  $('mode').className = `pill mode-${state.mode}`;
  const bot = state.model.actors.get('bot');
  $('bot-status').textContent = bot ? `bot: ${stateSummary('bot', bot.value)}${bot.status === 'active' ? '' : ` (${bot.status})`}` : 'bot: —';
  const token = [...state.model.actors.values()].find((a) => a.machine === 'token' && a.stats);
  const stats = token?.stats as TokenStats | undefined;
  const expires = stats?.expiresAt ? ` · expires in ${formatDuration(stats.expiresAt - pageNow(state))}` : '';
  $('token-status').textContent = stats ? `token: ${stats.state}${expires} · ${stats.fetches} fetched` : 'token: —';
  $('token-status').className = `pill token-${stats?.state ?? 'none'}`;
  $('token-status').setAttribute('data-state', stats?.state ?? 'none');
  $('token-status').setAttribute('data-fetches', String(stats?.fetches ?? 0));
  const link = state.mode === 'replay' ? 'recording' : state.connected ? 'connected' : 'disconnected — the bot stopped or the server closed';
  $('conn').textContent = link;
  $('conn').className = `pill ${state.connected || state.mode === 'replay' ? 'ok' : 'bad'}`;
}

export function renderTree(state: PageState): void {
  const tree = document.getElementById('tree');
  const children = new Map<string | null, PageActor[]>();
  for (const actor of state.model.actors.values()) {
    if (actor.status !== 'active' && actor.machine === null) continue;
    const list = children.get(actor.parent) ?? [];
    list.push(actor);
    children.set(actor.parent, list);
  }
  const build = (parent: string | null): any => {
    const list = document.createElement('ul');
    for (const actor of (children.get(parent) ?? []).sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))) {
      const item = document.createElement('li');
      item.className = `actor status-${actor.status}${actor.path === state.selectedShard ? ' selected' : ''}`;
      item.setAttribute('data-path', actor.path);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = actor.id;
      const summary = document.createElement('span');
      summary.className = 'summary';
      summary.textContent = actor.machine ? stateSummary(actor.machine, actor.value) : actor.status === 'active' ? 'running' : actor.status;
      item.append(name, summary);
      if (actor.machine === 'shard') {
        item.classList.add('clickable');
        item.addEventListener('click', (event: any) => {
          event.stopPropagation();
          state.selectedShard = actor.path;
          renderAll(state);
        });
      }
      if (children.has(actor.path)) item.appendChild(build(actor.path));
      list.appendChild(item);
    }
    return list;
  };
  tree.replaceChildren(build(null));
}

/** Which actors get a card: every machine but the shards, and the selected shard (the first by default). */
export function cardActors(state: PageState): PageActor[] {
  const all = [...state.model.actors.values()].filter((a) => a.machine && state.machines.has(a.machine));
  const shards = all.filter((a) => a.machine === 'shard').sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  if (!state.selectedShard || !shards.some((s) => s.path === state.selectedShard)) state.selectedShard = (shards.find((s) => s.status === 'active') ?? shards[0])?.path ?? null;
  const order = ['shard', 'bot', 'token', 'identifyThrottle', 'gatewayDiscovery', 'webhook'];
  return all
    .filter((a) => a.machine !== 'shard' || a.path === state.selectedShard)
    .sort((a, b) => order.indexOf(a.machine as string) - order.indexOf(b.machine as string));
}

export function renderCards(state: PageState): void {
  const container = document.getElementById('machines');
  const wanted = cardActors(state);
  const keys = new Set(wanted.map((a) => a.path));
  for (const [path, card] of state.cards) {
    if (!keys.has(path)) {
      card.element.remove();
      state.cards.delete(path);
    }
  }
  const now = pageNow(state);
  wanted.forEach((actor, index) => {
    const graph = state.machines.get(actor.machine as string) as MachineGraph;
    let card = state.cards.get(actor.path);
    if (!card) {
      const element = document.createElement('article');
      element.className = `card machine-${graph.id}`;
      element.setAttribute('data-path', actor.path);
      const header = document.createElement('header');
      const title = document.createElement('h3');
      title.textContent = actor.path;
      const summary = document.createElement('span');
      summary.className = 'summary';
      header.append(title, summary);
      const markerId = `arrow-${actor.path.replace(/[^A-Za-z0-9]/g, '-')}`;
      const svg = buildMachineSvg(graph, markerId);
      const scroller = document.createElement('div');
      scroller.className = 'svg-scroll';
      scroller.appendChild(svg);
      element.append(header, scroller);
      card = { element, svg, machine: graph.id, markerId };
      state.cards.set(actor.path, card);
    }
    if (container.children[index] !== card.element) container.insertBefore(card.element, container.children[index] ?? null);
    card.element.classList.toggle('ended', actor.status !== 'active');
    const shown = stateSummary(actor.machine, actor.value);
    card.element.querySelector('.summary').textContent = actor.status === 'active' ? shown : `${shown} (${actor.status})`;
    card.element.setAttribute('data-state', shown);
    paintMachine(card.svg, graph, actor, card.markerId, now);
  });
}

export function renderShards(state: PageState): void {
  const body = document.querySelector('#shards tbody');
  const rows = actorsOf(state, 'shard')
    .concat([...state.model.actors.values()].filter((a) => a.machine === 'shard' && a.status !== 'active'))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  const seen = new Set<string>();
  body.replaceChildren(
    ...rows
      .filter((actor) => !seen.has(actor.path) && seen.add(actor.path))
      .map((actor) => {
        const stats = actor.stats as ShardStats | null;
        // the state from the machine's own value: figures may trail it by a step in a replay
        const shown = stateSummary('shard', actor.value) || stats?.state || '';
        const row = document.createElement('tr');
        row.setAttribute('data-shard', actor.id);
        row.setAttribute('data-state', shown);
        row.className = `${shown.startsWith('session.ready') ? 'ready' : 'not-ready'}${actor.path === state.selectedShard ? ' selected' : ''}`;
        const cells = [
          actor.id.replace('shard-', ''),
          shown,
          stats?.session ? `${stats.session}…` : '—',
          stats?.seq ?? '—',
          stats?.rttMs !== null && stats?.rttMs !== undefined ? `${stats.rttMs} ms` : '—',
          stats?.eventsPerSec ?? 0,
          stats?.reconnects ?? 0,
          stats?.resumes ?? 0,
          stats?.identifies ?? 0,
        ];
        for (const value of cells) {
          const cell = document.createElement('td');
          cell.textContent = String(value);
          row.appendChild(cell);
        }
        row.addEventListener('click', () => {
          state.selectedShard = actor.path;
          renderAll(state);
        });
        return row;
      }),
  );
}

/** One timeline line: what happened, in words, and the state it left the actor in. */
export function describeStep(step: InspectorStep, model: PageModel): { kind: string; text: string; state: string } | null {
  const machineOf = (path: string | null): string | null => (path ? (model.actors.get(path)?.machine ?? null) : null);
  switch (step.t) {
    case 'spawn':
      return { kind: 'spawn', text: `started${step.machine ? ` (${step.machine})` : ''}`, state: '' };
    case 'end':
      return { kind: 'end', text: step.status === 'done' ? 'done' : step.status, state: '' };
    case 'transition': {
      const machine = machineOf(step.actor);
      const targets = step.edges.map((e) => e.target.split('.').slice(1).join('.')).join(', ');
      const summary = stateSummary(machine, step.value);
      return { kind: 'transition', text: `${step.label} → ${targets}`, state: summary };
    }
    case 'error':
      return { kind: 'error', text: `${step.code}${step.fatal ? ' (fatal)' : ''}: ${step.message}`, state: '' };
    case 'dispatch':
      return { kind: 'dispatch', text: `${step.type}${step.seq !== null ? ` #${step.seq}` : ''}${step.content !== undefined ? ` “${step.content}”` : ''}`, state: '' };
    default:
      return null;
  }
}

export function renderTimeline(state: PageState): void {
  const $ = (id: string): any => document.getElementById(id);
  const filter = String($('filter').value ?? '').trim().toLowerCase();
  const actorFilter = String($('actor-filter').value ?? '');
  const hideHeartbeats = Boolean($('hide-heartbeats').checked);
  const select = $('actor-filter');
  const known = new Set([...select.options].map((o: any) => o.value));
  for (const actor of state.model.actors.values()) {
    if (known.has(actor.path)) continue;
    const option = document.createElement('option');
    option.value = actor.path;
    option.textContent = actor.path;
    select.appendChild(option);
  }
  const visible = state.mode === 'replay' ? state.steps.slice(0, state.position) : state.steps;
  const rows: any[] = [];
  for (let i = visible.length - 1; i >= 0 && rows.length < 300; i--) {
    const step = visible[i] as InspectorStep;
    const line = describeStep(step, state.model);
    if (!line) continue;
    const actor = 'actor' in step ? (step.actor ?? '') : '';
    if (actorFilter && actor !== actorFilter && !actor.startsWith(`${actorFilter}/`)) continue;
    if (hideHeartbeats && step.t === 'transition' && step.edges.every((e) => e.target.includes('.heartbeat.'))) continue;
    if (hideHeartbeats && step.t === 'dispatch') continue;
    if (filter && !`${actor} ${line.text} ${line.state}`.toLowerCase().includes(filter)) continue;
    const row = document.createElement('li');
    row.className = `step kind-${line.kind}`;
    row.setAttribute('data-actor', actor);
    row.setAttribute('data-kind', line.kind);
    row.setAttribute('data-state', line.state);
    row.setAttribute('data-at', String(step.at));
    const time = document.createElement('time');
    const date = new Date(step.at);
    time.textContent = `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = actor.replace(/^bot\//, '') || 'bot';
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = line.text;
    row.append(time, who, what);
    // the state after, unless the transition's target already says it
    if (line.state && !line.text.endsWith(line.state)) {
      const after = document.createElement('span');
      after.className = 'after';
      after.textContent = line.state;
      row.appendChild(after);
    }
    rows.push(row);
  }
  $('timeline').replaceChildren(...rows);
}

export function renderErrors(state: PageState): void {
  const visible = state.mode === 'replay' ? state.steps.slice(0, state.position) : state.steps;
  const errors = visible.filter((s) => s.t === 'error').slice(-50).reverse();
  const list = document.getElementById('errors');
  list.replaceChildren(
    ...errors.map((step) => {
      const item = document.createElement('li');
      const line = describeStep(step, state.model);
      item.className = (step as { fatal?: boolean }).fatal ? 'fatal' : '';
      item.textContent = `${new Date(step.at).toTimeString().slice(0, 8)}  ${'actor' in step && step.actor ? `${String(step.actor).replace(/^bot\//, '')}  ` : ''}${line?.text ?? ''}`;
      return item;
    }),
  );
  document.getElementById('errors-empty').hidden = errors.length > 0;
}

export function renderReplay(state: PageState): void {
  const panel = document.getElementById('replay');
  panel.hidden = state.mode !== 'replay';
  if (state.mode !== 'replay') return;
  const slider = document.getElementById('slider');
  slider.max = String(state.steps.length);
  slider.value = String(state.position);
  const first = state.steps[0]?.at ?? 0;
  const current = state.steps[state.position - 1]?.at ?? first;
  document.getElementById('replay-position').textContent = `step ${state.position} / ${state.steps.length} · t+${((current - first) / 1000).toFixed(3)} s`;
}
