/**
 * No import circles in src/ or machines/, and no arrow up the layers of test/architecture/layers.ts (machines/ and
 * the emulator import only the ground layer). Each finding names the file, the import and the rule it breaks.
 */
import { describe, expect, it } from 'vitest';
import { importCircles, importGraph, sourceFiles } from './import-graph.js';
import { layerOf, layers, layerViolation } from './layers.js';

const graph = importGraph(sourceFiles(['src', 'machines']));

describe('the import graph', () => {
  it('has no circles', () => {
    expect(importCircles(graph).map((circle) => circle.join(' → '))).toEqual([]);
  });

  it('never points up a layer', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const why = layerViolation(file, target);
        if (why) violations.push(`${file} imports ${target}: ${why}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('places every machines/ and src/ file in a layer', () => {
    expect([...graph.keys()].filter((file) => !layerOf(file))).toEqual([]);
    expect(layerOf('machines/shard.machine.ts')?.name).toBe('machines');
    expect(layers.map((layer) => layer.name)).toContain('ground');
  });
});

describe('the checks themselves', () => {
  it('find a circle of two and of three, and none in a line', () => {
    const two = new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']], ['c.ts', []]]);
    expect(importCircles(two)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
    const three = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]]);
    expect(importCircles(three)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(importCircles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', []]]))).toEqual([]);
  });

  it('refuse machines → transports, emulator → client and ground → anything above, and allow the way down', () => {
    expect(layerViolation('machines/webhook.machine.ts', 'src/webhook/errors.ts')).toMatch(/machines may import only machines, ground/);
    expect(layerViolation('machines/shard.machine.ts', 'src/io/gateway-socket.ts')).toBeDefined();
    expect(layerViolation('src/emulator/emulator.ts', 'src/rest/client.ts')).toBeDefined();
    expect(layerViolation('src/errors.ts', 'machines/bot.machine.ts')).toMatch(/above/);
    expect(layerViolation('src/rest/client.ts', 'src/bot.ts')).toMatch(/above/);
    expect(layerViolation('machines/shard.machine.ts', 'src/protocol/opcodes.ts')).toBeUndefined();
    expect(layerViolation('machines/token.machine.ts', 'src/errors.ts')).toBeUndefined();
    expect(layerViolation('src/bot.ts', 'machines/bot.machine.ts')).toBeUndefined();
  });
});
