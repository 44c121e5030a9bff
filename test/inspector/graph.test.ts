import { describe, expect, it } from 'vitest';
import { documentedMachines, edgeLabel, machineEdges } from '../../src/diagram.js';
import { describeMachine, type StateBox } from '../../src/inspector/graph.js';
import { shardMachine } from '../../machines/shard.machine.js';

function boxes(box: StateBox): StateBox[] {
  return [box, ...box.children.flatMap(boxes)];
}

function inside(inner: StateBox, outer: StateBox): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

function overlap(a: StateBox, b: StateBox): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('the inspector draws machines from their definitions', () => {
  for (const { machine } of documentedMachines) {
    it(`${machine.id}: a box for every state, inside its parent, apart from its siblings; every transition labelled`, () => {
      const graph = describeMachine(machine);
      const all = boxes(graph.root);
      const ids = new Set(all.map((b) => b.id));
      const { edges } = machineEdges(machine);
      const stateIds = new Set(edges.flatMap((e) => [e.source.id, e.target.id]));
      for (const id of stateIds) expect(ids.has(id), id).toBe(true);
      for (const box of all) {
        for (const child of box.children) expect(inside(child, box), `${child.id} inside ${box.id}`).toBe(true);
        for (let i = 0; i < box.children.length; i++) {
          for (let j = i + 1; j < box.children.length; j++) {
            expect(overlap(box.children[i] as StateBox, box.children[j] as StateBox), `${box.children[i]?.id} / ${box.children[j]?.id}`).toBe(false);
          }
        }
      }
      expect(graph.edges.map((e) => e.label)).toEqual(edges.map((e) => edgeLabel(e)));
      for (const edge of graph.edges) expect(edge.path).toMatch(/^M[-\d.]+,[-\d.]+ /);
      expect(graph.width).toBe(graph.root.w);
    });
  }

  it('the shard: nested and parallel states, events, named delays and eventless transitions', () => {
    const graph = describeMachine(shardMachine);
    const byId = new Map(boxes(graph.root).map((b) => [b.id, b]));
    expect(graph.root.type).toBe('parallel');
    expect(byId.get('shard.connection')?.region).toBe(true);
    expect(byId.get('shard.connection.session.ready')?.type).toBe('parallel');
    expect(byId.get('shard.connection.session.ready.heartbeat')?.region).toBe(true);
    expect(byId.get('shard.connection.session')?.initial).toBe('shard.connection.session.connecting');
    expect(byId.get('shard.connection.failed')?.type).toBe('final');
    const edge = (source: string, target: string) => graph.edges.filter((e) => e.source === `shard.${source}` && e.target === `shard.${target}`);
    expect(edge('connection.session.identifying', 'connection.session.ready').map((e) => e.label)).toEqual(['GATEWAY.READY']);
    expect(edge('connection.session.ready.heartbeat.waiting', 'connection.session.ready.heartbeat.awaitingAck')[0]).toMatchObject({
      label: 'HEARTBEAT.DUE',
      kind: 'event',
    });
    expect(edge('connection.backoff', 'connection.acquiringToken')[0]).toMatchObject({ label: 'after RECONNECT_BACKOFF', kind: 'after' });
    expect(edge('connection.disconnected', 'connection.backoff')[0]).toMatchObject({ label: 'always', kind: 'always' });
    expect(edge('connection.session.awaitingHello', 'connection.session.resuming')[0]?.label).toBe('GATEWAY.HELLO [canResume]');
    expect(edge('connection.acquiringToken', 'connection.session')[0]).toMatchObject({ label: 'done: acquireToken', kind: 'done' });
  });
});
