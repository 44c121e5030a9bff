import { describe, expect, it } from 'vitest';
import { activeStateIds, applyStep, createModel, formatDuration, stateSummary } from '../../src/inspector/page/script.js';

describe("the page's model", () => {
  it('lights every active node of a nested, parallel value', () => {
    const value = { connection: { session: { ready: { heartbeat: 'waiting', stability: 'settling' } } }, sessionAge: 'untracked' };
    expect(activeStateIds('shard', value).sort()).toEqual(
      [
        'shard',
        'shard.connection',
        'shard.connection.session',
        'shard.connection.session.ready',
        'shard.connection.session.ready.heartbeat',
        'shard.connection.session.ready.heartbeat.waiting',
        'shard.connection.session.ready.stability',
        'shard.connection.session.ready.stability.settling',
        'shard.sessionAge',
        'shard.sessionAge.untracked',
      ].sort(),
    );
    expect(activeStateIds('bot', 'idle')).toEqual(['bot', 'bot.idle']);
  });

  it('says a state in one line: the shard by its connection, others by their leaves', () => {
    expect(stateSummary('shard', { connection: { session: { ready: { heartbeat: 'waiting', stability: 'stable' } } }, sessionAge: 'untracked' })).toBe('session.ready');
    expect(stateSummary('shard', { connection: 'backoff', sessionAge: 'untracked' })).toBe('backoff');
    expect(stateSummary('token', { active: { fetch: 'scheduled', lifetime: 'live' } })).toBe('active.fetch.scheduled · active.lifetime.live');
    expect(stateSummary('bot', null)).toBe('');
  });

  it('applies steps: spawn, transition, stats, end; ignores actors it never saw spawn', () => {
    const model = createModel();
    applyStep(model, { t: 'transition', at: 1, actor: 'ghost', event: 'X', label: 'X', edges: [], value: 'a' });
    expect(model.actors.size).toBe(0);
    applyStep(model, { t: 'spawn', at: 2, actor: 'bot/shard-0', parent: 'bot', id: 'shard-0', machine: 'shard' });
    applyStep(model, { t: 'transition', at: 3, actor: 'bot/shard-0', event: 'SOCKET.CLOSED', label: 'SOCKET.CLOSED', edges: [{ source: 's.a', target: 's.b' }], value: { connection: 'backoff' } });
    applyStep(model, { t: 'end', at: 4, actor: 'bot/shard-0', status: 'stopped' });
    expect(model.actors.get('bot/shard-0')).toMatchObject({ value: { connection: 'backoff' }, status: 'stopped', fired: { event: 'SOCKET.CLOSED', at: 3 } });
    expect(model.at).toBe(4);
  });

  it('formats "expires in"', () => {
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(7_200_000)).toBe('2 h 0 min');
    expect(formatDuration(-1)).toBe('now');
  });
});
