import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { APP_ID, fetchToken, startTestEmulator } from './support/emulator-fixture.js';

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

function get(path: string, authorization?: string): Promise<Response> {
  return fetch(`${emu.apiBase}${path}`, { headers: authorization === undefined ? {} : { authorization } });
}

describe('gateway discovery', () => {
  it('GET /gateway returns the emulator gateway url', async () => {
    ({ emu } = await startTestEmulator());
    const { access_token } = await fetchToken(emu);
    const res = await get('/gateway', `QQBot ${access_token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tps-trace-id')).toBeTruthy();
    expect(await res.json()).toEqual({ url: emu.gatewayUrl });
    expect(emu.gatewayUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/websocket$/);
    expect(emu.requests.at(-1)).toMatchObject({ method: 'GET', path: '/gateway', status: 200, token: access_token });
    expect(emu.requests.at(-1)?.headers.authorization).toBe(`QQBot ${access_token}`);
  });

  it('GET /gateway/bot returns shards and session_start_limit', async () => {
    ({ emu } = await startTestEmulator({ shards: 3, sessionStartLimit: { total: 1000, remaining: 993, resetAfter: 82_975_041, maxConcurrency: 2 } }));
    const { access_token } = await fetchToken(emu);
    const res = await get('/gateway/bot', `QQBot ${access_token}`);
    expect(await res.json()).toEqual({
      url: emu.gatewayUrl,
      shards: 3,
      session_start_limit: { total: 1000, remaining: 993, reset_after: 82_975_041, max_concurrency: 2 },
    });
  });

  it('needs auth: missing → 11241, unknown → 11243 (captured body), expired → 11244', async () => {
    ({ emu } = await startTestEmulator());
    const missing = await get('/gateway/bot');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 11241 });

    const invalid = await get('/gateway/bot', 'QQBot not-a-token');
    expect(invalid.status).toBe(401);
    const invalidBody = (await invalid.json()) as Record<string, unknown>;
    expect(invalidBody).toMatchObject({ message: 'Token错误', code: 11243, err_code: 40012002 });
    expect(invalidBody.trace_id).toMatch(/^[0-9a-f]{32}$/);

    const { access_token } = await fetchToken(emu);
    emu.expireTokens();
    const expired = await get('/gateway', `QQBot ${access_token}`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 11244, message: 'token过期或者不存在' });
    expect(emu.stats.expiredTokenUses).toBe(1);
  });

  it('refuses the legacy Bot appid.token form with 11245 unless acceptLegacyToken', async () => {
    ({ emu } = await startTestEmulator());
    const refused = await get('/gateway', `Bot ${APP_ID}.some-app-token`);
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as { code: number; err_code: number; message: string };
    expect(body).toMatchObject({ code: 11245, err_code: 11245 });
    expect(body.message).toContain('固定Token已禁用');
    await emu.close();

    ({ emu } = await startTestEmulator({ acceptLegacyToken: true }));
    expect((await get('/gateway', `Bot ${APP_ID}.some-app-token`)).status).toBe(200);
    expect((await get('/gateway', 'Bot 999.some-app-token')).status).toBe(401);
  });

  it('authorizes before routing: unknown paths get 401 without a token and 404 with one', async () => {
    ({ emu } = await startTestEmulator());
    expect((await get('/nope')).status).toBe(401);
    const { access_token } = await fetchToken(emu);
    expect((await get('/nope', `QQBot ${access_token}`)).status).toBe(404);
    const wrongMethod = await fetch(`${emu.apiBase}/gateway`, { method: 'POST', headers: { authorization: `QQBot ${access_token}` } });
    expect(wrongMethod.status).toBe(405);
  });

  it.each(['5xx', 'error-code', 'bad-json'] as const)('failGatewayEndpoint %s fails the next call only', async (kind) => {
    ({ emu } = await startTestEmulator());
    const { access_token } = await fetchToken(emu);
    emu.failGatewayEndpoint(1, kind);
    const failed = await get('/gateway/bot', `QQBot ${access_token}`);
    const text = await failed.text();
    if (kind === '5xx') expect(failed.status).toBe(500);
    if (kind === 'error-code') expect(JSON.parse(text)).toMatchObject({ code: 100002 });
    if (kind === 'bad-json') expect(() => JSON.parse(text)).toThrow();
    const ok = await get('/gateway/bot', `QQBot ${access_token}`);
    expect(((await ok.json()) as { url: string }).url).toBe(emu.gatewayUrl);
  });

  it('failGatewayEndpoint timeout hangs until the client aborts', async () => {
    ({ emu } = await startTestEmulator());
    const { access_token } = await fetchToken(emu);
    emu.failGatewayEndpoint(1, 'timeout');
    const abort = new AbortController();
    const pending = fetch(`${emu.apiBase}/gateway`, { headers: { authorization: `QQBot ${access_token}` }, signal: abort.signal });
    await emu.waitFor(() => emu.requests.find((r) => r.path === '/gateway' && r.status === 0));
    abort.abort();
    await expect(pending).rejects.toThrow();
  });
});
