/**
 * The inspector page: connects to the server's socket, keeps the model, renders the header, the
 * actor tree, the machine cards, the shard table, the timeline, errors, and the replay controls.
 * Runs in the browser (sent as source by assets.ts); every function stands alone.
 */
import type { MachineGraph } from '../graph.js';
import type { InspectorStep, ShardStats, TokenStats } from '../steps.js';
import { buildMachineSvg, paintMachine } from './draw.js';
import { applyStep, createModel, formatDuration, stateSummary, type PageActor, type PageModel } from './model.js';

// Browser globals: this file's functions run only in the page.
declare const document: any;
declare const window: any;
declare const location: any;
declare const WebSocket: any;
declare const requestAnimationFrame: (callback: () => void) => number;

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
  const seek = (position: number): void => {
    state.position = Math.max(0, Math.min(state.steps.length, position));
    state.model = createModel();
    for (let i = 0; i < state.position; i++) applyStep(state.model, state.steps[i] as InspectorStep);
    queueRender();
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
        const shown = stats?.state ?? stateSummary('shard', actor.value);
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
    if (line.state) {
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
