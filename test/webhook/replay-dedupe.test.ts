import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';
import { createWebhookReceiver, startWebhookServer } from '../../src/webhook/receiver.js';
import { dedupeKeys, ReplayCache } from '../../src/webhook/replay-cache.js';
import { APP_ID, envelope, SECRET, send, signedHeaders, startReceiver, type ReceiverFixture } from './support.js';

let fixture: ReceiverFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const ack = { op: 12, d: 0 };

describe('replays and retries are acknowledged and dispatched once', () => {
  it('the same signed request sent again: 200 + ACK, no second event', async () => {
    fixture = await startReceiver();
    const body = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_a', content: 'hi' }, 'C2C_MESSAGE_CREATE:a');
    const headers = signedHeaders(body, fixture.clock.seconds());
    for (let i = 0; i < 3; i += 1) {
      const answer = await send(fixture.url, { headers, body });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual(ack);
    }
    expect(fixture.all()).toEqual([{ type: 'C2C_MESSAGE_CREATE', id: 'C2C_MESSAGE_CREATE:a', data: { id: 'ROBOT1.0_a', content: 'hi' } }]);
    expect(fixture.receiver.actor.getSnapshot().context.counts).toMatchObject({ dispatched: 1, duplicates: 2, rejected: 0 });
  });

  it('a retry re-signed later with a fresh timestamp is still a duplicate', async () => {
    fixture = await startReceiver();
    const body = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_b' }, 'C2C_MESSAGE_CREATE:b');
    await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    fixture.clock.advance(30_000);
    const retry = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(JSON.parse(retry.body)).toEqual(ack);
    expect(fixture.all()).toHaveLength(1);
  });

  it('the same message pushed twice under two envelope ids (same t and d.id) is one event', async () => {
    fixture = await startReceiver();
    for (const id of ['GROUP_AT_MESSAGE_CREATE:one', 'GROUP_AT_MESSAGE_CREATE:two']) {
      const body = envelope('GROUP_AT_MESSAGE_CREATE', { id: 'ROBOT1.0_same', content: ' x' }, id);
      expect((await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body })).status).toBe(200);
    }
    expect(fixture.all().map((e) => e.id)).toEqual(['GROUP_AT_MESSAGE_CREATE:one']);
  });

  it('different events that share nothing are all dispatched, in order', async () => {
    fixture = await startReceiver();
    for (let i = 0; i < 5; i += 1) {
      const body = envelope('FRIEND_ADD', { openid: `U${i}` }, `FRIEND_ADD:${i}`);
      await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    }
    expect(fixture.all().map((e) => e.id)).toEqual(['FRIEND_ADD:0', 'FRIEND_ADD:1', 'FRIEND_ADD:2', 'FRIEND_ADD:3', 'FRIEND_ADD:4']);
  });

  it('an event with no id at all cannot be deduplicated and is dispatched each time', async () => {
    fixture = await startReceiver();
    const body = JSON.stringify({ op: 0, d: { openid: 'U' }, t: 'FRIEND_ADD' });
    for (let i = 0; i < 2; i += 1) await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(fixture.all()).toHaveLength(2);
  });

  it('a replay after the freshness window is refused outright (401), whatever the cache remembers', async () => {
    fixture = await startReceiver({ replayCacheSize: 1 });
    const body = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_c' }, 'C2C_MESSAGE_CREATE:c');
    const headers = signedHeaders(body, fixture.clock.seconds());
    await send(fixture.url, { headers, body });
    // Push the original out of the one-entry cache, then wait out the window.
    const other = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_d' }, 'C2C_MESSAGE_CREATE:d');
    await send(fixture.url, { headers: signedHeaders(other, fixture.clock.seconds()), body: other });
    fixture.clock.advance(301_000);
    const replay = await send(fixture.url, { headers, body });
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toEqual({ code: 401, message: 'stale-timestamp' });
    expect(fixture.all().map((e) => e.id)).toEqual(['C2C_MESSAGE_CREATE:c', 'C2C_MESSAGE_CREATE:d']);
  });

  it('concurrent copies of one delivery dispatch once', async () => {
    fixture = await startReceiver();
    const body = envelope('C2C_MESSAGE_CREATE', { id: 'ROBOT1.0_e' }, 'C2C_MESSAGE_CREATE:e');
    const headers = signedHeaders(body, fixture.clock.seconds());
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(fixture!.url, { headers, body })));
    expect(answers.every((a) => a.status === 200 && JSON.parse(a.body).op === 12)).toBe(true);
    expect(fixture.all()).toHaveLength(1);
  });
});

describe('other signed payloads', () => {
  it('a signed op 1 heartbeat is answered with op 11 (as botgo does; UNCONFIRMED whether the platform sends one)', async () => {
    fixture = await startReceiver();
    const body = '{"op":1,"d":42}';
    const answer = await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ op: 11, d: 42 });
    expect(fixture.all()).toEqual([]);
    expect(fixture.receiver.actor.getSnapshot().context.counts.heartbeats).toBe(1);
  });

  it('an unsigned op 1 is refused like any unsigned request', async () => {
    fixture = await startReceiver();
    expect((await send(fixture.url, { body: '{"op":1,"d":42}' })).status).toBe(401);
  });

  it('a subscriber that throws does not change the answer; the error is reported', async () => {
    fixture = await startReceiver();
    const errors: unknown[] = [];
    const receiver = createWebhookReceiver({
      now: fixture.clock.now,
      bots: [
        {
          appId: APP_ID,
          secret: new Secret(SECRET),
          onEvent: () => {
            throw new Error('boom');
          },
        },
      ],
      onError: (error) => errors.push(error),
    });
    const server = await startWebhookServer(receiver);
    const body = envelope();
    const answer = await send(server.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    expect(JSON.parse(answer.body)).toEqual(ack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'HANDLER', eventType: 'C2C_MESSAGE_CREATE' });
    receiver.close();
    await server.close();
  });
});

describe('ReplayCache', () => {
  it('remembers keys up to its capacity, oldest evicted first', () => {
    const cache = new ReplayCache(2);
    cache.remember(['a']);
    cache.remember(['b']);
    expect(cache.seen(['a'])).toBe(true);
    cache.remember(['c']);
    expect(cache.seen(['a'])).toBe(false);
    expect(cache.seen(['b', 'x'])).toBe(true);
    expect(cache.size).toBe(2);
    expect(JSON.stringify({ cache })).toBe('{"cache":{"size":2,"capacity":2}}');
  });

  it('refreshes a key seen again so it is evicted last', () => {
    const cache = new ReplayCache(2);
    cache.remember(['a']);
    cache.remember(['b']);
    cache.remember(['a']);
    cache.remember(['c']);
    expect(cache.seen(['a'])).toBe(true);
    expect(cache.seen(['b'])).toBe(false);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new ReplayCache(0)).toThrow(RangeError);
  });

  it('keys: envelope id and t/d.id', () => {
    expect(dedupeKeys('C2C_MESSAGE_CREATE', 'C2C_MESSAGE_CREATE:x', { id: 'm' })).toEqual(['id:C2C_MESSAGE_CREATE:x', 'd:C2C_MESSAGE_CREATE/m']);
    expect(dedupeKeys('FRIEND_ADD', 'FRIEND_ADD:y', { openid: 'u' })).toEqual(['id:FRIEND_ADD:y']);
    expect(dedupeKeys('X', null, 'text')).toEqual([]);
  });
});
