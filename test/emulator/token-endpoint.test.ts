import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { APP_ID, SECRET, fetchToken, startTestEmulator, type TestClock } from './support/emulator-fixture.js';

let emu: Emulator;
let clock: TestClock;

afterEach(async () => {
  await emu?.close();
});

function postToken(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, signal?: AbortSignal): Promise<Response> {
  return fetch(emu.tokenUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: signal ?? null });
}

async function gatewayWith(token: string): Promise<Response> {
  return fetch(`${emu.apiBase}/gateway`, { headers: { authorization: `QQBot ${token}` } });
}

describe('token endpoint', () => {
  it('issues a token with expires_in as a string, and a trace id header', async () => {
    ({ emu, clock } = await startTestEmulator());
    const res = await postToken({ appId: APP_ID, clientSecret: SECRET });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tps-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in']);
    expect(body.expires_in).toBe('7200');
    expect(typeof body.access_token).toBe('string');
    expect(emu.stats.tokensIssued).toBe(1);
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/app/getAppAccessToken', status: 200, body: { appId: APP_ID } });
  });

  it('returns the same token with a shrinking expires_in until the last 60 s', async () => {
    ({ emu, clock } = await startTestEmulator({ tokenTtl: 600 }));
    const first = await fetchToken(emu);
    clock.advance(539_500);
    const again = await fetchToken(emu);
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe('60');
    expect(emu.stats.tokensIssued).toBe(1);
  });

  it('issues a new token in the last 60 s; the old one stays valid until its own expiry', async () => {
    ({ emu, clock } = await startTestEmulator({ tokenTtl: 600 }));
    const first = await fetchToken(emu);
    clock.advance(541_000);
    const second = await fetchToken(emu);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe('600');
    expect(emu.stats.tokensIssued).toBe(2);
    expect((await gatewayWith(first.access_token)).status).toBe(200);
    clock.advance(59_000);
    expect((await gatewayWith(first.access_token)).status).toBe(401);
    expect((await gatewayWith(second.access_token)).status).toBe(200);
    expect(emu.stats.expiredTokenUses).toBe(1);
  });

  it('requires content-type application/json (HTTP 200, code 100007)', async () => {
    ({ emu, clock } = await startTestEmulator());
    const res = await postToken(`appId=${APP_ID}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 100007, message: 'appid invalid' });
    expect(emu.stats.tokensIssued).toBe(0);
  });

  it('rejects a wrong appId with 100007 and a wrong secret with 100016, both HTTP 200', async () => {
    ({ emu, clock } = await startTestEmulator());
    const wrongApp = await postToken({ appId: '999', clientSecret: SECRET });
    expect(wrongApp.status).toBe(200);
    expect(await wrongApp.json()).toEqual({ code: 100007, message: 'appid invalid' });
    const wrongSecret = await postToken({ appId: APP_ID, clientSecret: 'nope' });
    expect(wrongSecret.status).toBe(200);
    expect(await wrongSecret.json()).toEqual({ code: 100016, message: 'invalid appsecret' });
    const garbage = await postToken('{not json');
    expect(await garbage.json()).toEqual({ code: 100007, message: 'appid invalid' });
  });

  it('expireTokens() makes the current token fail with 11244 and counts the use', async () => {
    ({ emu, clock } = await startTestEmulator());
    const first = await fetchToken(emu);
    emu.expireTokens();
    const res = await gatewayWith(first.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 11244, message: 'token过期或者不存在' });
    expect(emu.stats.expiredTokenUses).toBe(1);
    expect(emu.requests.at(-1)).toMatchObject({ token: first.access_token, tokenExpired: true, status: 401 });
    const second = await fetchToken(emu);
    expect(second.access_token).not.toBe(first.access_token);
  });
});

describe('token endpoint faults', () => {
  it('5xx', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(1, '5xx', { status: 503 });
    expect((await postToken({ appId: APP_ID, clientSecret: SECRET })).status).toBe(503);
    expect((await postToken({ appId: APP_ID, clientSecret: SECRET })).status).toBe(200);
  });

  it('error-code: HTTP 200 with {code: 100002, message: "internal err"}', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(2, 'error-code');
    for (let i = 0; i < 2; i += 1) {
      const res = await postToken({ appId: APP_ID, clientSecret: SECRET });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ code: 100002, message: 'internal err' });
    }
    expect((await fetchToken(emu)).expires_in).toBe('7200');
  });

  it('bad-json: a truncated JSON body', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(1, 'bad-json');
    const res = await postToken({ appId: APP_ID, clientSecret: SECRET });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('timeout: hangs until the client aborts', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(1, 'timeout');
    const abort = new AbortController();
    const pending = postToken({ appId: APP_ID, clientSecret: SECRET }, undefined, abort.signal);
    await emu.waitFor(() => emu.requests.find((r) => r.path === '/app/getAppAccessToken' && r.status === 0));
    abort.abort();
    await expect(pending).rejects.toThrow();
    expect((await fetchToken(emu)).expires_in).toBe('7200');
  });

  it('timeout: a hanging request does not keep close() waiting', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(1, 'timeout');
    const pending = postToken({ appId: APP_ID, clientSecret: SECRET }).catch((error: unknown) => error);
    await emu.waitFor(() => emu.requests.length === 1);
    await emu.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('slow: answers normally after the delay', async () => {
    ({ emu, clock } = await startTestEmulator());
    emu.failTokenEndpoint(1, 'slow', { delayMs: 30 });
    const started = performance.now();
    const res = await postToken({ appId: APP_ID, clientSecret: SECRET });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(((await res.json()) as { expires_in: string }).expires_in).toBe('7200');
  });
});
