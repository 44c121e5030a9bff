import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { gatewayDiscoveryMachine, type GatewayInfo } from '../../machines/gateway.machine.js';
import { QQGatewayDiscoveryError } from '../../src/errors.js';
import { Secret } from '../../src/secret.js';

function harness(answers: { bot: Array<GatewayInfo | Error>; url?: Array<GatewayInfo | Error> }, gatewayUrl?: string) {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  const tokenRequests: Array<{ forceRefresh?: boolean }> = [];
  const answer = (queue: Array<GatewayInfo | Error>, name: string) => async () => {
    calls.push(name);
    const next = queue.shift();
    if (!next) throw new Error('no answer queued');
    if (next instanceof Error) throw next;
    return next;
  };
  const machine = gatewayDiscoveryMachine.provide({
    actors: {
      acquireToken: fromPromise(async ({ input }: { input: { forceRefresh?: boolean } }) => {
        tokenRequests.push(input);
        return new Secret('t');
      }),
      fetchGatewayBot: fromPromise(answer(answers.bot, 'gateway/bot')),
      fetchGatewayUrl: fromPromise(answer(answers.url ?? [], 'gateway')),
    },
    delays: { RETRY_BACKOFF: 1_000 },
  });
  const actor = createActor(machine, { clock, input: { gatewayUrl: gatewayUrl ?? null } }).start();
  const flush = async () => {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { actor, clock, calls, tokenRequests, flush };
}

const info: GatewayInfo = { url: 'wss://x/websocket', shards: 2, sessionStartLimit: null, source: 'gateway/bot' };

describe('gateway discovery machine', () => {
  it('a configured URL skips discovery', () => {
    const h = harness({ bot: [] }, 'wss://configured/ws');
    expect(h.actor.getSnapshot().output).toEqual({ ok: true, info: { url: 'wss://configured/ws', shards: 1, sessionStartLimit: null, source: 'configured' } });
    expect(h.calls).toEqual([]);
  });

  it('falls back to GET /gateway when /gateway/bot is not there', async () => {
    const h = harness({ bot: [new QQGatewayDiscoveryError('404', { status: 404 })], url: [{ ...info, source: 'gateway', shards: 1 }] });
    await h.flush();
    expect(h.calls).toEqual(['gateway/bot', 'gateway']);
    expect(h.actor.getSnapshot().output).toMatchObject({ ok: true, info: { source: 'gateway' } });
  });

  it('a 401 forces a token refresh before the next try, after a backoff', async () => {
    const h = harness({ bot: [new QQGatewayDiscoveryError('401', { status: 401 }), info] });
    await h.flush();
    expect(h.actor.getSnapshot().value).toBe('backoff');
    h.clock.increment(1_000);
    await h.flush();
    expect(h.tokenRequests).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
    expect(h.actor.getSnapshot().output).toMatchObject({ ok: true });
  });

  it('retries transient failures forever with backoff', async () => {
    const failures = Array.from({ length: 5 }, () => new QQGatewayDiscoveryError('ENOTFOUND'));
    const h = harness({ bot: [...failures, info] });
    for (let i = 0; i < 5; i++) {
      await h.flush();
      expect(h.actor.getSnapshot().value).toBe('backoff');
      h.clock.increment(1_000);
    }
    await h.flush();
    expect(h.calls).toHaveLength(6);
    expect(h.actor.getSnapshot().output).toMatchObject({ ok: true, info });
  });
});
