import { createActor, type InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookMachine, type WebhookEmitted } from '../../machines/webhook.machine.js';
import { safeStringify } from '../../src/inspect.js';
import { ReplayCache } from '../../src/webhook/replay-cache.js';
import { envelope, SECRET, send, signedHeaders, startReceiver, type ReceiverFixture } from './support.js';

function start() {
  const actor = createActor(webhookMachine, { input: { replayCache: new ReplayCache(10), appIds: ['1'] } });
  const emitted: WebhookEmitted[] = [];
  actor.on('*', (event) => emitted.push(event as WebhookEmitted));
  actor.start();
  return { actor, emitted };
}

const dispatch = (id: string | null, keys: string[] = id ? [`id:${id}`] : []) =>
  ({ type: 'REQUEST.DISPATCH', appId: '1', eventType: 'C2C_MESSAGE_CREATE', id, data: { n: id }, keys }) as const;

describe('webhook machine', () => {
  it('idle → listening → validating → serving ⇢ stopped', () => {
    const { actor, emitted } = start();
    expect(actor.getSnapshot().value).toBe('idle');
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('listening');
    actor.send({ type: 'REQUEST.VALIDATION', appId: '1' });
    expect(actor.getSnapshot().value).toBe('validating');
    actor.send(dispatch('a'));
    expect(actor.getSnapshot().value).toBe('serving');
    actor.send({ type: 'REQUEST.VALIDATION', appId: '1' });
    expect(actor.getSnapshot().value).toBe('serving');
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(actor.getSnapshot().status).toBe('done');
    expect(emitted.map((e) => e.type)).toEqual(['webhook.listening', 'webhook.validation', 'webhook.dispatch', 'webhook.validation', 'webhook.stopped']);
  });

  it('a bot validated by an earlier process goes from listening straight to serving', () => {
    const { actor } = start();
    actor.send({ type: 'START' });
    actor.send(dispatch('a'));
    expect(actor.getSnapshot().value).toBe('serving');
  });

  it('emits each key once; replays become webhook.duplicate; counts add up', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'START' });
    actor.send(dispatch('a'));
    actor.send(dispatch('a'));
    actor.send(dispatch('b', ['id:b', 'd:a-msg']));
    actor.send(dispatch('c', ['id:c', 'd:a-msg']));
    actor.send(dispatch(null));
    actor.send(dispatch(null));
    actor.send({ type: 'REQUEST.HEARTBEAT', appId: '1' });
    actor.send({ type: 'REQUEST.REJECTED', reason: 'bad-signature', status: 401, appId: '1' });
    actor.send({ type: 'REQUEST.REJECTED', reason: 'bad-signature', status: 401, appId: '1' });
    actor.send({ type: 'REQUEST.REJECTED', reason: 'body-too-large', status: 413, appId: null });
    const dispatched = emitted.filter((e) => e.type === 'webhook.dispatch').map((e) => (e as { id: string | null }).id);
    expect(dispatched).toEqual(['a', 'b', null, null]);
    expect(emitted.filter((e) => e.type === 'webhook.duplicate').map((e) => (e as { id: string | null }).id)).toEqual(['a', 'c']);
    const { context } = actor.getSnapshot();
    expect(context.counts).toEqual({ validations: 0, dispatched: 4, duplicates: 2, heartbeats: 1, rejected: 3 });
    expect(context.rejectedBy).toEqual({ 'bad-signature': 2, 'body-too-large': 1 });
    expect(context.lastRejection).toEqual({ reason: 'body-too-large', status: 413, appId: null });
    expect(emitted.filter((e) => e.type === 'webhook.rejected')).toHaveLength(3);
  });

  it('can stop before it starts', () => {
    const { actor } = start();
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().value).toBe('stopped');
  });
});

describe('the receiver’s machine is inspectable like the others', () => {
  let fixture: ReceiverFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('reports its states through `inspect`, with no secret in any inspection record', async () => {
    const records: string[] = [];
    const values: unknown[] = [];
    fixture = await startReceiver({
      inspect: (event: InspectionEvent) => {
        records.push(safeStringify(event) ?? '');
        if (event.type === '@xstate.snapshot') values.push((event.snapshot as { value?: unknown }).value);
      },
    });
    const validation = await send(fixture.url, { body: JSON.stringify({ op: 13, d: { plain_token: 'Arq0D5A61EgUu4OxUvOp', event_ts: fixture.clock.seconds() } }) });
    expect(validation.status).toBe(200);
    const body = envelope();
    await send(fixture.url, { headers: signedHeaders(body, fixture.clock.seconds()), body });
    fixture.receiver.close();
    expect([...new Set(values)]).toEqual(['idle', 'listening', 'validating', 'serving', 'stopped']);
    expect(records.join('\n')).not.toContain(SECRET);
  });
});
