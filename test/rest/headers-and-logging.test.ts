import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient } from '../../src/rest/index.js';
import { capturingLogger, recordingSleep, sequentialTokens } from './support/client-fixture.js';
import { startStubServer, type StubServer } from './support/stub-server.js';

let stub: StubServer;
afterEach(async () => {
  await stub?.close();
});

describe('request headers', () => {
  it('sends Authorization: QQBot <token>, X-Union-Appid and a User-Agent', async () => {
    stub = await startStubServer({ status: 200, body: { id: 'B1', username: 'bot' } });
    const client = createRestClient({ apiBase: `${stub.url}/`, appId: '102000001', getToken: sequentialTokens().getToken });
    await client.getMe();
    const headers = stub.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('QQBot stub-token-1');
    expect(headers['x-union-appid']).toBe('102000001');
    expect(headers['user-agent']).toBe('qq-bot-machine/rest');
    expect(stub.requests[0]?.path).toBe('/users/@me');
  });

  it('encodes ids in paths and puts hidetip in the query', async () => {
    stub = await startStubServer({ status: 200 });
    const client = createRestClient({ apiBase: stub.url, appId: '1', getToken: sequentialTokens().getToken });
    await client.recallChannelMessage('100010', 'a/b c', { hidetip: true });
    await client.recallDirectMessage('18700000000002', 'M1');
    expect(stub.requests[0]).toMatchObject({ method: 'DELETE', path: '/channels/100010/messages/a%2Fb%20c', query: 'hidetip=true' });
    expect(stub.requests[1]).toMatchObject({ path: '/dms/18700000000002/messages/M1', query: '' });
  });
});

describe('logging', () => {
  it('logs method, path, status and trace id, and never the token or the Authorization header', async () => {
    stub = await startStubServer({ status: 200, body: { id: 'M1', timestamp: 1 } });
    const { logger, lines } = capturingLogger();
    const tokens = sequentialTokens('secret-token-value-');
    const client = createRestClient({ apiBase: stub.url, appId: '1', getToken: tokens.getToken, logger, sleep: recordingSleep().sleep, timeoutMs: 150 });
    stub.answer({ status: 401, headers: { 'x-tps-trace-id': 'trace-401' } }, { status: 503 }, { status: 200, body: { id: 'B1', username: 'x' } });
    await client.getMe();
    stub.answer('hang');
    await client.sendC2CMessage('U1', 'hi').catch(() => undefined);
    await client.sendC2CMessage('U1', 'hi');

    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines[0]).toMatchObject({ level: 'debug', obj: { method: 'GET', path: '/users/@me', status: 401, traceId: 'trace-401' } });
    expect(lines.some((l) => l.level === 'warn' && /refreshing/.test(l.msg ?? ''))).toBe(true);
    expect(lines.some((l) => l.level === 'warn' && /retrying/.test(l.msg ?? ''))).toBe(true);
    expect(lines.some((l) => (l.obj as { status?: number }).status === 0)).toBe(true);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain('secret-token-value');
    expect(everything).not.toMatch(/QQBot|authorization/i);
  });
});
