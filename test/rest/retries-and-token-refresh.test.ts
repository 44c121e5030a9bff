import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient, QQApiError, type RestClient } from '../../src/rest/index.js';
import { recordingSleep, sequentialTokens } from './support/client-fixture.js';
import { invalidToken401 } from './support/samples.js';
import { startStubServer, type StubServer } from './support/stub-server.js';

let stub: StubServer;
afterEach(async () => {
  await stub?.close();
});

async function setup(options: { retries?: number; timeoutMs?: number } = {}) {
  stub = await startStubServer();
  const tokens = sequentialTokens();
  const clock = recordingSleep();
  const client: RestClient = createRestClient({ apiBase: stub.url, appId: '102000001', getToken: tokens.getToken, sleep: clock.sleep, ...options });
  return { client, tokens, waits: clock.waits };
}

const auth = (i: number): string | undefined => stub.requests[i]?.headers.authorization;

describe('retries only where repeating is safe', () => {
  it('retries a GET on 5xx with exponential backoff, then succeeds', async () => {
    const { client, waits } = await setup();
    stub.answer({ status: 503 }, { status: 502 }, { status: 200, body: { id: 'B1', username: 'bot' } });
    await expect(client.getMe()).resolves.toEqual({ id: 'B1', username: 'bot' });
    expect(stub.requests).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up after `retries` extra attempts on 429 and throws the last answer', async () => {
    const { client, waits } = await setup();
    stub.answer({ status: 429, body: { code: 20028, message: 'limit' } }, { status: 429 }, { status: 429, body: { code: 20028, message: 'limit' } });
    const error = (await client.getMe().catch((e: unknown) => e)) as QQApiError;
    expect(error).toBeInstanceOf(QQApiError);
    expect(error.status).toBe(429);
    expect(stub.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('honours a longer Retry-After', async () => {
    const { client, waits } = await setup();
    stub.answer({ status: 429, headers: { 'retry-after': '3' } }, { status: 200, body: { id: 'B1', username: 'bot' } });
    await client.getMe();
    expect(waits).toEqual([3000]);
  });

  it('retries nothing with retries: 0', async () => {
    const { client } = await setup({ retries: 0 });
    stub.answer({ status: 500 });
    await expect(client.getMe()).rejects.toMatchObject({ status: 500 });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a network failure of a GET', async () => {
    const { client, waits } = await setup();
    stub.answer('destroy', { status: 200, body: { id: 'B1', username: 'bot' } });
    await expect(client.getMe()).resolves.toMatchObject({ id: 'B1' });
    expect(waits).toEqual([500]);
  });

  it('retries PUT /interactions and DELETE (recall): repeating them does no harm', async () => {
    const { client } = await setup();
    stub.answer({ status: 502 }, { status: 204 });
    await client.acknowledgeInteraction('I1');
    stub.answer({ status: 500 }, { status: 200 });
    await client.recallC2CMessage('U1', 'M1');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /interactions/I1',
      'PUT /interactions/I1',
      'DELETE /v2/users/U1/messages/M1',
      'DELETE /v2/users/U1/messages/M1',
    ]);
  });

  it('never repeats a message send on 5xx: it may have been delivered', async () => {
    const { client, waits } = await setup();
    stub.answer({ status: 500, body: { code: 500, message: 'internal' } });
    await expect(client.sendC2CMessage('U1', 'hi')).rejects.toMatchObject({ status: 500 });
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never repeats a message send after a dropped connection', async () => {
    const { client } = await setup();
    stub.answer('destroy');
    const error = (await client.sendGroupMessage('G1', 'hi').catch((e: unknown) => e)) as QQApiError;
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/not repeated/);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('a rejected token: one forced refresh, one retry', () => {
  it('refreshes on 401 and repeats the send once with the new token', async () => {
    const { client, tokens } = await setup();
    stub.answer({ status: 401, body: invalidToken401 }, { status: 200, body: { id: 'M1', timestamp: '2025-01-01T08:00:00+08:00' } });
    await expect(client.sendC2CMessage('U1', 'hi')).resolves.toMatchObject({ id: 'M1' });
    expect(tokens.calls).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
    expect(auth(0)).toBe('QQBot stub-token-1');
    expect(auth(1)).toBe('QQBot stub-token-2');
    expect(stub.requests[1]?.body).toEqual(stub.requests[0]?.body);
  });

  it('refreshes on body code 11244 even without a 401', async () => {
    const { client, tokens } = await setup();
    stub.answer({ status: 200, body: { code: 11244, err_code: 11244, message: 'token过期或者不存在' } }, { status: 200, body: { id: 'B1', username: 'bot' } });
    await expect(client.getMe()).resolves.toMatchObject({ id: 'B1' });
    expect(tokens.calls.filter((c) => c.forceRefresh)).toHaveLength(1);
  });

  it('refreshes at most once: a second 401 is thrown', async () => {
    const { client, tokens } = await setup();
    stub.answer({ status: 401, body: invalidToken401 }, { status: 401, body: invalidToken401 }, { status: 200, body: {} });
    await expect(client.acknowledgeInteraction('I1', 0)).rejects.toMatchObject({ status: 401, platformCode: 11243 });
    expect(stub.requests).toHaveLength(2);
    expect(tokens.calls.filter((c) => c.forceRefresh)).toHaveLength(1);
  });

  it('a refresh and transient retries combine: 401, then 503, then success for a GET', async () => {
    const { client, waits } = await setup();
    stub.answer({ status: 401 }, { status: 503 }, { status: 200, body: { id: 'B1', username: 'bot' } });
    await expect(client.getMe()).resolves.toMatchObject({ id: 'B1' });
    expect(stub.requests.map((_, i) => auth(i))).toEqual(['QQBot stub-token-1', 'QQBot stub-token-2', 'QQBot stub-token-2']);
    expect(waits).toEqual([500]);
  });

  it('lets a token-source failure through untouched', async () => {
    stub = await startStubServer();
    const failure = new Error('token endpoint down');
    const client = createRestClient({ apiBase: stub.url, appId: '1', getToken: () => Promise.reject(failure) });
    await expect(client.getMe()).rejects.toBe(failure);
    expect(stub.requests).toHaveLength(0);
  });
});
