/**
 * qq-official-bot@1.0.13 (zhinjs/qq-official-bot, devDependency), unchanged, against the emulator: WebSocket mode
 * (READY, C2C/group/guild replies, resume after 4009) and its webhook handler against the emulator's webhook mode.
 * The emulator's rules are the platform's; each reply below is what this SDK sends to the real platform.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startPeer, type PeerProcess } from './support.js';

const APP_ID = '102000001';
const SECRET = 'emulator-secret-0123456789';

let emu: Emulator | undefined;
let peer: PeerProcess | undefined;
afterEach(async () => {
  await peer?.stop();
  await emu?.close();
  peer = undefined;
  emu = undefined;
});

const env = (e: Emulator, extra: Record<string, string> = {}) => ({ EMU_API_BASE: e.apiBase, EMU_APP_ID: APP_ID, EMU_SECRET: SECRET, ...extra });

async function replied(e: Emulator, msgId: string | undefined) {
  return e.waitFor(() => e.rest.sent.find((sent) => sent.msgId === msgId), { timeoutMs: 10_000, description: `a reply to ${msgId}` });
}

describe('qq-official-bot, WebSocket mode', () => {
  it('reaches READY and replies in C2C, group and guild; the emulator accepts its bodies as the platform does', async () => {
    emu = await startEmulator({ appId: APP_ID, secret: SECRET });
    peer = startPeer('qq-official-bot.mjs', env(emu));
    const session = await emu.waitForReady(0, { timeoutMs: 10_000 });
    await peer.waitForLine((line) => line.event === 'started');
    const identify = emu.connections[0]?.received.find((frame) => frame.op === 2);
    expect((identify?.d as { token: string }).token).toMatch(/^QQBot /);
    expect(session.intents).toBeGreaterThan(0);

    const c2c = emu.c2cMessage({ content: 'ping' });
    const group = emu.groupAtMessage({ content: 'ping' });
    const guild = emu.guildAtMessage({ content: 'ping' });
    const [c2cReply, groupReply, guildReply] = await Promise.all([replied(emu, c2c.msgId), replied(emu, group.msgId), replied(emu, guild.msgId)]);
    expect(c2cReply).toMatchObject({ scene: 'c2c', passive: true, msgType: 0, body: { content: 'pong c2c' } });
    expect(groupReply).toMatchObject({ scene: 'group', passive: true, msgType: 0, body: { content: 'pong group' } });
    expect(guildReply).toMatchObject({ scene: 'guild', passive: true, body: { content: 'pong guild' } });
    // Its text bodies carry no msg_type (lib/message/builder.js): the case issue 15 was about.
    expect(c2cReply.body).not.toHaveProperty('msg_type');
    expect(groupReply.body).not.toHaveProperty('msg_type');
    expect(emu.rest.rejections).toEqual([]);
    await peer.waitForLine((line) => line.event === 'reply' && line.kind === 'group' && line.ok === true);
  });

  it('resumes after close 4009 and gets the message sent while it was away', async () => {
    emu = await startEmulator({ appId: APP_ID, secret: SECRET });
    peer = startPeer('qq-official-bot.mjs', env(emu));
    const session = await emu.waitForReady(0, { timeoutMs: 10_000 });
    const first = emu.connections[0]!;
    expect(emu.closeSession(4009)).toBe(1);
    // Pushed while no socket is attached: the session buffers it, the resume must replay it.
    const missed = emu.c2cMessage({ content: 'while you were away' });

    const resume = await emu.waitForFrame(6, { timeoutMs: 10_000 });
    expect(resume.d).toMatchObject({ session_id: session.sessionId, seq: 1 });
    await emu.waitForFrame(0, { from: 'server', t: 'RESUMED', timeoutMs: 10_000 });
    const second = emu.connections[1]!;
    expect(second.sent.filter((frame) => frame.op === 0).map((frame) => frame.t)).toEqual(['C2C_MESSAGE_CREATE', 'RESUMED']);
    expect(await replied(emu, missed.msgId)).toMatchObject({ scene: 'c2c', passive: true });
    expect(first.closed).toMatchObject({ code: 4009, by: 'server' });
    expect(emu.stats).toMatchObject({ identifies: 1, resumes: 1 });

    const after = emu.groupAtMessage({ content: 'still there?' });
    expect(after.delivered).toBe(true);
    expect(await replied(emu, after.msgId)).toMatchObject({ scene: 'group', passive: true });
  });
});

describe('qq-official-bot, webhook handler', () => {
  it('passes the op 13 validation, verifies signed dispatches, and replies over REST', async () => {
    emu = await startEmulator({ appId: APP_ID, secret: SECRET, webhook: { retries: 3, retryDelayMs: 5 } });
    peer = startPeer('qq-official-bot.mjs', env(emu, { MODE: 'middleware' }));
    const listening = await peer.waitForLine((line) => line.event === 'webhook');
    emu.webhook.configure(`http://127.0.0.1:${String(listening.port)}/`);

    const validation = await emu.webhook.validate();
    expect(validation).toMatchObject({ status: 200, ok: true });

    const c2c = await emu.webhook.c2cMessage({ content: 'ping' });
    expect(c2c.delivery).toMatchObject({ acknowledged: true });
    // Its ACK is `{"code":0,"message":"success"}`, not op 12: taken as delivered, so no retry (and no duplicate).
    expect(c2c.delivery.attempts).toHaveLength(1);
    expect(await replied(emu, c2c.msgId)).toMatchObject({ scene: 'c2c', passive: true });

    const group = await emu.webhook.groupAtMessage({ content: 'ping' });
    expect(await replied(emu, group.msgId)).toMatchObject({ scene: 'group', passive: true });
    // A forged signature is refused by the SDK, as the platform's signature is what it trusts.
    expect(await emu.webhook.sendForged()).toBe(401);
  });
});
