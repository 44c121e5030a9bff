/**
 * A REST client wired to a fresh emulator: a hand-moved clock shared by the emulator and the reply contexts,
 * a token source that fetches real tokens from `emu.tokenUrl` (and a fresh one on forceRefresh), a captured
 * logger, and a recording sleep.
 */
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { createRestClient, type RestClient } from '../../../src/rest/index.js';
import { Secret } from '../../../src/secret.js';
import { capturingLogger, recordingSleep, type CapturedLine } from './client-fixture.js';

export const APP_ID = '102000001';
export const SECRET = 'emulator-secret-0123456789';

export interface RestHarness {
  emu: Emulator;
  client: RestClient;
  clock: { now(): number; advance(ms: number): void };
  lines: CapturedLine[];
  /** Every token the source handed out, oldest first. */
  tokens: string[];
  refreshes: number;
}

export async function startRestHarness(): Promise<RestHarness> {
  let t = Date.UTC(2025, 0, 1);
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now });
  const { logger, lines } = capturingLogger();
  const harness: RestHarness = { emu, client: undefined as unknown as RestClient, clock, lines, tokens: [], refreshes: 0 };
  let current: Secret | undefined;
  const getToken = async (options?: { forceRefresh?: boolean }): Promise<Secret> => {
    if (options?.forceRefresh) harness.refreshes += 1;
    if (!current || options?.forceRefresh) {
      const token = await fetchToken(emu);
      harness.tokens.push(token);
      current = new Secret(token);
    }
    return current;
  };
  harness.client = createRestClient({ apiBase: emu.apiBase, appId: APP_ID, getToken, logger, sleep: recordingSleep().sleep });
  return harness;
}

export async function fetchToken(emu: Emulator): Promise<string> {
  const res = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId: APP_ID, clientSecret: SECRET }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The REST requests the emulator saw (token and gateway calls left out). */
export function restRequests(emu: Emulator): Emulator['requests'] {
  return emu.requests.filter((r) => r.path !== '/app/getAppAccessToken' && !r.path.startsWith('/gateway'));
}
