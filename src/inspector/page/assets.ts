import * as page from './script.js';

/**
 * The page's script: every function of script.ts, as tsc compiled it, joined into one file that
 * calls `inspectorMain()`. Nothing is fetched from anywhere but this server.
 */
const pageFunctions = Object.values(page).filter((value): value is (...args: never[]) => unknown => typeof value === 'function');

let script: string | null = null;
export function pageScript(): string {
  script ??= `// qq-bot-machine inspector\n(() => {\n'use strict';\n${pageFunctions.map((f) => f.toString()).join('\n\n')}\n\ninspectorMain();\n})();\n`;
  return script;
}

export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>qq-bot-machine inspector</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<header class="top">
  <div class="brand">qq-bot-machine <span>inspector</span></div>
  <span id="mode" class="pill">connecting…</span>
  <span id="bot-status" class="pill">bot: —</span>
  <span id="token-status" class="pill">token: —</span>
  <span id="conn" class="pill">connecting…</span>
  <label class="toggle"><input id="all-labels" type="checkbox"> label every transition</label>
</header>
<section id="replay" hidden>
  <button id="first" title="first step">◀◀</button>
  <button id="back" title="step back">◀ step</button>
  <button id="play">▶ play</button>
  <button id="forward" title="step forward">step ▶</button>
  <button id="last" title="last step">▶▶</button>
  <input id="slider" type="range" min="0" max="0" value="0" aria-label="time">
  <span id="replay-position"></span>
</section>
<main>
  <div class="center">
    <section class="shards-panel">
      <h2>Shards</h2>
      <table id="shards">
        <thead><tr><th>shard</th><th>state</th><th>session</th><th>seq</th><th>heartbeat ACK RTT</th><th>events/s</th><th>reconnects</th><th>resumes</th><th>identifies</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
    <section id="machines"></section>
  </div>
  <aside class="side">
    <section>
      <h2>Actors</h2>
      <div id="tree" class="tree"></div>
    </section>
    <section>
      <h2>Errors <small>errors$</small></h2>
      <p id="errors-empty" class="empty">none</p>
      <ol id="errors"></ol>
    </section>
    <section class="timeline-panel">
      <h2>Timeline</h2>
      <div class="filters">
        <input id="filter" type="search" placeholder="filter: actor, event or state">
        <select id="actor-filter"><option value="">all actors</option></select>
        <label><input id="hide-heartbeats" type="checkbox" checked> hide heartbeats and dispatches</label>
      </div>
      <ol id="timeline"></ol>
    </section>
  </aside>
</main>
<script src="app.js"></script>
</body>
</html>
`;

export const pageCss = `:root {
  --bg: #f4f6fa; --panel: #ffffff; --ink: #1d2433; --muted: #667085; --line: #d6dbe4;
  --state: #f8fafc; --state-line: #94a3b8; --active: #16a34a; --active-fill: #dcfce7;
  --hot: #2563eb; --fired: #f59e0b; --error: #dc2626; --region: #cbd5e1;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
  font-size: 13px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
header.top { display: flex; gap: 8px; align-items: center; padding: 10px 16px; background: #111827; color: #f9fafb; flex-wrap: wrap; }
.brand { font-weight: 700; font-size: 15px; margin-right: 12px; }
.brand span { color: #86efac; font-weight: 600; }
header.top .toggle { margin-left: auto; font-size: 12px; color: #d1d5db; }
.pill { padding: 3px 10px; border-radius: 999px; background: #374151; color: #f3f4f6; font-size: 12px; white-space: nowrap; }
.pill.mode-live { background: #15803d; }
.pill.mode-replay { background: #7c3aed; }
.pill.ok { background: #1f2937; color: #a7f3d0; }
.pill.bad { background: #7f1d1d; color: #fecaca; }
.pill.token-live { background: #1e3a8a; }
.pill.token-expired, .pill.token-failed { background: #92400e; }
#replay { display: flex; gap: 8px; align-items: center; padding: 8px 16px; background: #ede9fe; border-bottom: 1px solid #c4b5fd; }
#replay[hidden] { display: none; }
#replay button { border: 1px solid #a78bfa; background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
#replay input[type=range] { flex: 1; }
#replay-position { font-variant-numeric: tabular-nums; color: #4c1d95; min-width: 220px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 500px; gap: 14px; padding: 14px; align-items: start; }
.side section, .timeline-panel, .shards-panel, .card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; margin-bottom: 14px; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
h2 small { text-transform: none; letter-spacing: 0; font-weight: 400; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 5px; border-bottom: 1px solid #eef1f5; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: 11px; }
tr.ready td:nth-child(2) { color: var(--active); font-weight: 600; }
tr.not-ready td:nth-child(2) { color: #b45309; font-weight: 600; }
tr.selected { background: #eff6ff; }
tbody tr { cursor: pointer; }
.tree ul { list-style: none; margin: 0; padding-left: 14px; }
.tree > ul { padding-left: 0; }
.tree li { margin: 2px 0; }
.tree .name { font-weight: 600; margin-right: 6px; }
.tree .summary { color: var(--muted); font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 11.5px; }
.tree li.status-stopped > .name, .tree li.status-done > .name { color: #9ca3af; text-decoration: line-through; }
.tree li.clickable > .name { color: var(--hot); cursor: pointer; }
.tree li.selected > .name { text-decoration: underline; }
#errors { margin: 0; padding-left: 18px; color: var(--error); font-size: 12px; }
#errors li.fatal { font-weight: 700; }
.empty { color: var(--muted); margin: 0; }
#machines { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.card { margin: 0; max-width: 100%; }
.card.machine-shard { flex-basis: 100%; }
.card.ended { opacity: .55; }
.card header { display: flex; gap: 10px; align-items: baseline; margin-bottom: 4px; }
.card h3 { margin: 0; font-size: 14px; }
.card .summary { font-family: ui-monospace, Menlo, monospace; color: var(--active); font-weight: 600; }
.svg-scroll { overflow: auto; max-width: 100%; }
svg.machine-svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
g.state rect { fill: var(--state); stroke: var(--state-line); stroke-width: 1.2; }
g.state.compound > rect { fill: rgba(241, 245, 249, .55); }
g.state.region > rect { fill: none; stroke: var(--region); stroke-dasharray: 5 4; }
g.state text { fill: var(--ink); }
g.state text.header { font-weight: 600; fill: #475569; font-size: 11.5px; }
g.state.final rect.inner { fill: none; }
g.state.active > rect { stroke: var(--active); stroke-width: 2.4; }
g.state.atomic.active > rect { fill: var(--active-fill); }
g.state.compound.active > rect { fill: rgba(220, 252, 231, .35); }
g.state.region.active > rect { fill: none; stroke: #86efac; }
g.state.active > text { fill: #14532d; font-weight: 700; }
g.state.entered > rect { animation: entered 1.4s ease-out; }
@keyframes entered { 0% { stroke: var(--fired); stroke-width: 6; } 100% { stroke-width: 2.4; } }
g.initial circle { fill: #475569; }
g.initial path { stroke: #475569; stroke-width: 1.2; fill: none; }
g.edge path { fill: none; stroke: #cbd5e1; stroke-width: 1.1; }
g.edge.kind-after path { stroke-dasharray: 4 3; }
g.edge.kind-always path { stroke-dasharray: 1 3; }
g.edge.hot path { stroke: var(--hot); stroke-width: 1.6; opacity: .85; }
g.edge.fired path { stroke: var(--fired); stroke-width: 3.2; stroke-dasharray: 10 6; animation: flow .6s linear 4, fade 4s ease-out forwards; }
@keyframes flow { to { stroke-dashoffset: -32; } }
@keyframes fade { 0%, 70% { opacity: 1; } 100% { opacity: .75; } }
marker path.arrow { fill: #cbd5e1; }
marker path.arrow.hot { fill: var(--hot); }
marker path.arrow.fired { fill: var(--fired); }
text.edge-label { font-size: 10.5px; fill: #94a3b8; paint-order: stroke; stroke: #fff; stroke-width: 3px; display: none; }
text.edge-label.shown { display: inline; fill: #1e40af; }
text.edge-label.fired { display: inline; fill: #b45309; font-weight: 700; }
body.all-labels text.edge-label { display: inline; }
.filters { display: flex; gap: 8px; margin-bottom: 8px; align-items: center; flex-wrap: wrap; }
.filters input[type=search] { flex: 1; min-width: 200px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.filters select { padding: 4px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
#timeline { list-style: none; margin: 0; padding: 0; max-height: 1180px; overflow: auto; font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
#timeline li { display: grid; grid-template-columns: 82px 150px minmax(0, 1fr); column-gap: 8px; padding: 3px 4px; border-bottom: 1px solid #f1f5f9; }
#timeline .what { overflow-wrap: anywhere; }
#timeline .after { grid-column: 3; font-size: 11px; }
#timeline time { color: var(--muted); font-size: 11px; padding-top: 1px; }
#timeline .who { color: #334155; font-weight: 600; overflow: hidden; text-overflow: ellipsis; }
#timeline .after { color: var(--active); }
#timeline li.kind-error { color: var(--error); }
#timeline li.kind-spawn .what, #timeline li.kind-end .what { color: var(--muted); }
#timeline li.kind-dispatch .what { color: #7c3aed; }
`;
