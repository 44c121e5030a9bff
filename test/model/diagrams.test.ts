import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine, setup } from 'xstate';
import { renderMachineDocs, toMermaid } from '../../src/diagram.js';

const dir = join(import.meta.dirname, '../../docs/machines');
const stale = 'docs/machines is out of date with the machine definitions: run `npm run docs:machines` and commit the result';

describe('machine diagrams (docs/machines)', () => {
  const files = renderMachineDocs();

  it.each([...files.keys()])('%s is current', (name) => {
    const path = join(dir, name);
    expect(existsSync(path), `${stale} (${name} is missing)`).toBe(true);
    expect(readFileSync(path, 'utf8'), `${stale} (${name} differs)`).toBe(files.get(name));
  });

  it('has no page for a machine that no longer exists', () => {
    const extra = readdirSync(dir).filter((name) => name.endsWith('.md') && !files.has(name));
    expect(extra, stale).toEqual([]);
  });
});

describe('toMermaid', () => {
  it('labels delays by name, invocations as done/error, eventless transitions and guards', () => {
    const machine = setup({
      actors: { work: createMachine({}) },
      guards: { isReady: () => true },
      delays: { RETRY: 1_000 },
    }).createMachine({
      id: 'demo',
      initial: 'a',
      states: {
        a: { on: { GO: { guard: 'isReady', target: 'b' } }, after: { RETRY: 'c' } },
        b: { invoke: { id: 'work', src: 'work', onDone: 'c', onError: 'a' } },
        c: { always: 'd' },
        d: { type: 'final' },
      },
    });
    const text = toMermaid(machine);
    expect(text).toContain('demo_a --> demo_b : GO [isReady]');
    expect(text).toContain('demo_a --> demo_c : after RETRY');
    expect(text).toContain('demo_b --> demo_c : done: work');
    expect(text).toContain('demo_b --> demo_a : error: work');
    expect(text).toContain('demo_c --> demo_d : always');
    expect(text).toContain('demo_d --> [*]');
    expect(text.startsWith('stateDiagram-v2\n  [*] --> demo_a\n')).toBe(true);
  });

  it('separates parallel regions and notes transitions taken from any state', () => {
    const machine = createMachine({
      id: 'p',
      initial: 'on',
      on: { RESET: '.off' },
      states: {
        on: { type: 'parallel', states: { x: { initial: 'x1', states: { x1: {} } }, y: { initial: 'y1', states: { y1: {} } } } },
        off: {},
      },
    });
    const text = toMermaid(machine);
    expect(text).toMatch(/state "x" as p_on_x \{[\s\S]*\}\n {4}--\n {4}state "y" as p_on_y \{/);
    expect(text).toContain('note left of p_off : RESET (from any state)');
  });
});
