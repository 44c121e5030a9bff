import { afterEach, describe, expect, it } from 'vitest';
import { QQBotError } from '../../src/errors.js';
import { createRestClient, QQApiError, QQMessageAuditError, type RestClient } from '../../src/rest/index.js';
import { recordingSleep, sequentialTokens } from './support/client-fixture.js';
import { eventIdNotReplyable, invalidToken401, messageAuditPending } from './support/samples.js';
import { startStubServer, type StubServer } from './support/stub-server.js';

let stub: StubServer;
afterEach(async () => {
  await stub?.close();
});

async function clientFor(options: { timeoutMs?: number; retries?: number } = {}): Promise<RestClient> {
  stub = await startStubServer();
  return createRestClient({ apiBase: stub.url, appId: '102000001', getToken: sequentialTokens().getToken, sleep: recordingSleep().sleep, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<QQApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QQApiError);
  return error as QQApiError;
}

describe('error bodies become typed QQApiErrors', () => {
  it('lifts code, err_code, message and trace_id from the captured body, with a readable reason', async () => {
    const client = await clientFor();
    stub.answer({ status: 400, body: eventIdNotReplyable });
    const error = await rejection(client.sendGroupMessage('G1', { msg_type: 0, content: 'hi', event_id: 'GROUP_ADD_ROBOT:1' }));
    expect(error).toBeInstanceOf(QQBotError);
    expect(error.code).toBe('API');
    expect(error).toMatchObject({
      method: 'POST',
      path: '/v2/groups/G1/messages',
      status: 400,
      platformCode: 40034027,
      errCode: 40034027,
      platformMessage: '请求参数event_id对应事件不能回复消息',
      traceId: '12c7dfb902497f6b211c1d3c8a6a9d42',
      auditId: undefined,
    });
    expect(error.reason).toMatch(/cannot be replied to/);
    expect(error.message).toContain('HTTP 400, code 40034027');
    expect(error.message).toContain('[trace 12c7dfb902497f6b211c1d3c8a6a9d42]');
    expect(error.fatal).toBe(false);
  });

  it('reads both codes when they differ (captured 401: 11243 vs 40012002)', async () => {
    const client = await clientFor();
    stub.answer(
      { status: 401, body: invalidToken401 },
      { status: 401, body: invalidToken401 },
    );
    const error = await rejection(client.getMe());
    expect(error).toMatchObject({ status: 401, platformCode: 11243, errCode: 40012002, traceId: 'b363de10b4c8893a382b8b9d6d07c615' });
    expect(error.reason).toBe('access token invalid');
    expect(error.message).toContain('code 11243, err_code 40012002');
  });

  it('takes the trace id from the X-Tps-trace-ID header when the body has none', async () => {
    const client = await clientFor();
    stub.answer({ status: 404, body: { code: 404, message: 'not found' }, headers: { 'X-Tps-trace-ID': 'hdr-trace-1' } });
    const error = await rejection(client.request('GET', '/nope'));
    expect(error.traceId).toBe('hdr-trace-1');
    expect(error.status).toBe(404);
  });

  it('surfaces a 202 audit notice as QQMessageAuditError with the audit id, never as success', async () => {
    const client = await clientFor();
    stub.answer({ status: 202, body: messageAuditPending });
    const error = await rejection(client.sendChannelMessage('100010', 'hello'));
    expect(error).toBeInstanceOf(QQMessageAuditError);
    expect(error).toMatchObject({ status: 202, platformCode: 304023, auditId: 'ab9bd72f-19e8-4394-b09e-66caca0d64e4', active: true });
    expect(error.reason).toMatch(/waiting for manual audit/);
  });

  it('treats 304024 (passive audit) the same, whatever the status', async () => {
    const client = await clientFor();
    stub.answer({ status: 200, body: { code: 304024, message: 'push message is waiting for audit now', data: { message_audit: { audit_id: 'a-2' } } } });
    const error = await rejection(client.sendC2CMessage('U1', 'hi'));
    expect(error).toBeInstanceOf(QQMessageAuditError);
    expect(error).toMatchObject({ auditId: 'a-2', active: false, status: 200 });
  });

  it('surfaces a 201 body that carries a business code as an error', async () => {
    const client = await clientFor();
    stub.answer({ status: 201, body: { code: 22009, message: 'msg limit exceed', trace_id: 't-201' } });
    const error = await rejection(client.sendGroupMessage('G1', 'hi'));
    expect(error).toMatchObject({ status: 201, platformCode: 22009, traceId: 't-201' });
    expect(error.reason).toMatch(/quota/);
  });

  it('accepts a 202 without a code as success', async () => {
    const client = await clientFor();
    stub.answer({ status: 202, body: { id: 'M1', timestamp: 1 } });
    await expect(client.sendC2CMessage('U1', 'hi')).resolves.toEqual({ id: 'M1', timestamp: 1 });
  });

  it('marks codes no retry can fix as fatal (bot banned)', async () => {
    const client = await clientFor();
    stub.answer({ status: 403, body: { code: 11265, message: 'banned' } });
    const error = await rejection(client.getMe());
    expect(error.fatal).toBe(true);
    expect(error.reason).toBe('the bot is banned');
  });

  it('falls back to the HTTP status for unknown codes', async () => {
    const client = await clientFor({ retries: 0 });
    stub.answer({ status: 500, body: { code: 123456789, message: 'boom' } });
    const error = await rejection(client.getMe());
    expect(error.reason).toBe('the platform failed to process the request');
    expect(error.platformCode).toBe(123456789);
  });

  it('reports a 200 whose body is not JSON', async () => {
    const client = await clientFor();
    stub.answer({ status: 200, raw: '<html>gateway</html>' });
    const error = await rejection(client.getMe());
    expect(error.status).toBe(200);
    expect(error.platformMessage).toContain('not valid JSON');
  });

  it('turns a timeout into status 0 and says a send may have landed', async () => {
    const client = await clientFor({ timeoutMs: 150 });
    stub.answer('hang');
    const error = await rejection(client.sendC2CMessage('U1', 'hi'));
    expect(error.status).toBe(0);
    expect(error.reason).toBe('no answer from the platform');
    expect(error.message).toMatch(/no answer before the timeout/);
    expect(error.message).toMatch(/may or may not have processed it/);
    expect(stub.requests).toHaveLength(1);
  });

  it('turns a refused connection into status 0', async () => {
    stub = await startStubServer();
    const deadBase = stub.url;
    await stub.close();
    const client = createRestClient({ apiBase: deadBase, appId: '1', getToken: sequentialTokens().getToken, retries: 0 });
    const error = await rejection(client.getMe());
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/GET \/users\/@me: network failure/);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
