/** Shared setup for the emulator tests: a controllable clock, token fetching, and a connected, identified client. */
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { EmulatorOptions } from '../../../src/emulator/types.js';
import { intentTable } from '../../../src/protocol/intents.js';
import type { GatewayFrame } from '../../../src/protocol/opcodes.js';
import { RawClient } from './raw-client.js';

export const APP_ID = '102000001';
export const SECRET = 'emulator-secret-0123456789';

/** The intents most tests identify with: groups/C2C, guild @-messages, DMs, interactions. */
export const TEST_INTENTS =
  intentTable.GROUP_AND_C2C_EVENT.bit | intentTable.PUBLIC_GUILD_MESSAGES.bit | intentTable.DIRECT_MESSAGE.bit | intentTable.INTERACTION.bit;

/** A clock tests move by hand. */
export class TestClock {
  t = Date.UTC(2025, 0, 1, 0, 0, 0);
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export async function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<{ emu: Emulator; clock: TestClock }> {
  const clock = new TestClock();
  const emu = await startEmulator({ appId: APP_ID, secret: SECRET, now: clock.now, ...overrides });
  return { emu, clock };
}

export async function fetchToken(emu: Emulator): Promise<{ access_token: string; expires_in: string }> {
  const res = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId: APP_ID, clientSecret: SECRET }),
  });
  return (await res.json()) as { access_token: string; expires_in: string };
}

export interface Identified {
  client: RawClient;
  hello: GatewayFrame;
  ready: GatewayFrame<{ session_id: string; shard: [number, number] }>;
  token: string;
}

/** Connects, waits for Hello, identifies and waits for READY. */
export async function connectAndIdentify(
  emu: Emulator,
  options: { intents?: number; shard?: [number, number]; token?: string } = {},
): Promise<Identified> {
  const token = options.token ?? (await fetchToken(emu)).access_token;
  const client = await RawClient.connect(emu.gatewayUrl);
  const hello = await client.next(10);
  client.send({ op: 2, d: { token: `QQBot ${token}`, intents: options.intents ?? TEST_INTENTS, shard: options.shard ?? [0, 1] } });
  const ready = (await client.next(0)) as Identified['ready'];
  return { client, hello, ready, token };
}
