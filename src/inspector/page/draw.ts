/**
 * Drawing a machine graph as SVG, and lighting its active states and last transition. Runs in the
 * browser (sent as source by assets.ts); every function stands alone.
 */
import type { MachineGraph, StateBox, TransitionEdge } from '../graph.js';
import type { PageActor } from './model.js';
import { activeStateIds } from './model.js';

// Browser globals: this file's functions run only in the page.
declare const document: any;


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
