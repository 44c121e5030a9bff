/**
 * qq-guild-bot@2.9.5 (tencent-connect/bot-node-sdk, the official Node SDK; devDependency), unchanged, against the
 * emulator with `acceptLegacyToken` (it only knows `Bot <appID>.<token>` auth): READY, AT_MESSAGE_CREATE, reply.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { intentTable } from '../../src/protocol/intents.js';
import { startPeer, type PeerProcess } from './support.js';

const APP_ID = '102000001';

let emu: Emulator | undefined;
let peer: PeerProcess | undefined;
afterEach(async () => {
  await peer?.stop();
  await emu?.close();
  peer = undefined;
  emu = undefined;
});

describe('qq-guild-bot, guild flow with the legacy token', () => {
  it('reaches READY, receives AT_MESSAGE_CREATE and its reply is accepted', async () => {
    emu = await startEmulator({ appId: APP_ID, secret: 'emulator-secret-0123456789', acceptLegacyToken: true });
    peer = startPeer('qq-guild-bot.mjs', { EMU_API_BASE: emu.apiBase, EMU_APP_ID: APP_ID });
    const session = await emu.waitForReady(0, { timeoutMs: 10_000 });
    await peer.waitForLine((line) => line.event === 'ready');
    const identify = emu.connections[0]?.received.find((frame) => frame.op === 2);
    expect((identify?.d as { token: string }).token).toBe(`Bot ${APP_ID}.legacy-bot-token`);
    expect(session.intents & intentTable.PUBLIC_GUILD_MESSAGES.bit).toBe(intentTable.PUBLIC_GUILD_MESSAGES.bit);
    const lookup = emu.requests.find((request) => request.path === '/gateway/bot');
    expect(lookup?.headers.authorization).toBe(`Bot ${APP_ID}.legacy-bot-token`);

    const at = emu.guildAtMessage({ content: 'ping' });
    expect(at.delivered).toBe(true);
    await peer.waitForLine((line) => line.event === 'message' && line.id === at.msgId);
    const reply = await emu.waitFor(() => emu!.rest.sent.find((sent) => sent.msgId === at.msgId), { timeoutMs: 10_000 });
    expect(reply).toMatchObject({ scene: 'guild', target: '100010', passive: true, body: { content: 'pong guild', msg_id: at.msgId } });
    await peer.waitForLine((line) => line.event === 'reply' && line.ok === true);
    expect(emu.rest.rejections).toEqual([]);
  });

  it('without acceptLegacyToken the emulator refuses it as the platform does (11245), so the flag is what makes it work', async () => {
    emu = await startEmulator({ appId: APP_ID, secret: 'emulator-secret-0123456789' });
    peer = startPeer('qq-guild-bot.mjs', { EMU_API_BASE: emu.apiBase, EMU_APP_ID: APP_ID });
    const refused = await emu.waitFor(() => emu!.requests.find((request) => request.path === '/gateway/bot' && request.status !== 0), { timeoutMs: 10_000 });
    expect(refused.status).toBe(401);
    expect(emu.connections).toHaveLength(0);
  });
});
