import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QQBotError } from '../../src/errors.js';
import { stepsFromRecording } from '../../src/inspector/replay.js';
import type { InspectorStep, ShardStats, TokenStats } from '../../src/inspector/steps.js';
import { activeStateIds, applyStep, createModel } from '../../src/inspector/page/script.js';

/** A recording of a short run: READY, close 4009, op 7, token expiry + 4004 (test/fixtures/inspection/record.mjs). */
export const recording = readFileSync(new URL('../fixtures/inspection/faults.jsonl', import.meta.url), 'utf8');
const records = recording
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { type: string; path: string; parent: string | null; actor: string; value?: unknown; status?: string });

/** What the recording itself says each actor's last state was, read straight from the lines. */
function lastValues(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const record of records) {
    if ((record.type === '@xstate.snapshot' || record.type === '@xstate.microstep') && record.value !== undefined) out.set(record.path, record.value);
  }
  return out;
}

describe('replaying a recordInspection() file', () => {
  const steps = stepsFromRecording(recording);
  const model = createModel();
  for (const step of steps) applyStep(model, step);

  it('records carry the tree: the root is `bot`, every other actor names its parent', () => {
    expect(records[0]).toMatchObject({ type: '@xstate.actor', actor: 'bot', path: 'bot', parent: null, machine: 'bot' });
    const spawned = new Set<string>();
    for (const record of records.filter((r) => r.type === '@xstate.actor')) {
      if (record.parent !== null) expect(spawned.has(record.parent), `${record.path}'s parent spawned first`).toBe(true);
      spawned.add(record.path);
    }
    expect(spawned).toContain('bot/shard-0/socket');
    expect(spawned).toContain('bot/token');
    expect(records.some((r) => r.type === 'actor.stopped' && r.path === 'bot/shard-0/socket')).toBe(true);
  });

  it('reaches the same final state for every living machine as the recording itself', () => {
    const expected = lastValues();
    const living = [...model.actors.values()].filter((a) => a.status === 'active' && a.machine);
    expect(living.map((a) => a.path).sort()).toEqual(['bot', 'bot/identifyThrottle', 'bot/shard-0', 'bot/token']);
    for (const actor of living) expect(actor.value, actor.path).toEqual(expected.get(actor.path));
    expect(activeStateIds('shard', model.actors.get('bot/shard-0')?.value)).toContain('shard.connection.session.ready');
    expect(model.actors.get('bot/gatewayDiscovery')?.status).not.toBe('active');
  });

  it('counts the run: three reconnects, all resumed, one identify; the token fetched again and live', () => {
    const shard = model.actors.get('bot/shard-0')?.stats as ShardStats;
    expect(shard).toMatchObject({ state: 'session.ready', reconnects: 3, resumes: 3, identifies: 1 });
    expect(shard.session).toHaveLength(8);
    const token = model.actors.get('bot/token')?.stats as TokenStats;
    expect(token.state).toBe('live');
    expect(token.fetches).toBeGreaterThanOrEqual(2);
    expect(token.expiresAt).toBeGreaterThan(records[0] ? (JSON.parse(recording.split('\n')[0] as string) as { at: number }).at : 0);
    const transitions = steps.filter((s): s is Extract<InspectorStep, { t: 'transition' }> => s.t === 'transition' && s.actor === 'bot/shard-0');
    const left = transitions.filter((s) => s.edges.some((e) => e.target === 'shard.connection.disconnected'));
    expect(left).toHaveLength(3);
  });

  it('steps carry names and numbers only: no context, no event payload', () => {
    const text = JSON.stringify(steps);
    expect(recording).toContain('"context"');
    expect(text).not.toContain('context');
    expect(text).not.toContain('[redacted]');
    expect(text).not.toContain('intents');
    expect(text).not.toContain('username');
  });

  it('a line that is not JSON is a typed error naming the line', () => {
    expect(() => stepsFromRecording(`${recording.split('\n')[0]}\n{oops\n`)).toThrow(QQBotError);
    expect(() => stepsFromRecording(`${recording.split('\n')[0]}\n{oops\n`)).toThrow(/line 2/);
  });
});
