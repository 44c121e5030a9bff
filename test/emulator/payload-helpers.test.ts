import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, InjectedEvent } from '../../src/emulator/index.js';
import { connectAndIdentify, startTestEmulator } from './support/emulator-fixture.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samplesDir = path.resolve(repoRoot, 'test/fixtures/samples');

function sample(name: string): unknown {
  return JSON.parse(readFileSync(path.join(samplesDir, name), 'utf8')) as unknown;
}

/** The `d` of a sample, whether the file is an envelope or `d` only. */
function sampleData(name: string): Record<string, unknown> {
  const value = sample(name) as Record<string, unknown>;
  return (typeof value.op === 'number' ? value.d : value) as Record<string, unknown>;
}

/** Every key path of `expected` exists in `actual` with the same JSON type (arrays: element shape of the first item). */
function expectShapeCovers(actual: unknown, expected: unknown, at = 'd'): void {
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  expect(kind(actual), `type of ${at}`).toBe(kind(expected));
  if (Array.isArray(expected) && expected.length > 0) {
    expect((actual as unknown[]).length, `${at} is non-empty`).toBeGreaterThan(0);
    expectShapeCovers((actual as unknown[])[0], expected[0], `${at}[0]`);
  } else if (kind(expected) === 'object') {
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      expect(actual as object, `${at} has ${key}`).toHaveProperty([key]);
      expectShapeCovers((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
    }
  }
}

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

describe('payload helpers', () => {
  it.each([
    ['c2cMessage', 'C2C_MESSAGE_CREATE', ['c2c_message_create.webhook.captured.json', 'c2c_message_create.ws.docs.json']],
    ['groupAtMessage', 'GROUP_AT_MESSAGE_CREATE', ['group_at_message_create.webhook.captured2.json', 'group_at_message_create.ws.docs.json']],
    ['guildAtMessage', 'AT_MESSAGE_CREATE', ['at_message_create.d.docs.json']],
    ['directMessage', 'DIRECT_MESSAGE_CREATE', ['direct_message_create.d.docs.json']],
    ['interaction', 'INTERACTION_CREATE', ['interaction_create.ws.docs.json', 'interaction_create.d.docs.json']],
    ['friendAdd', 'FRIEND_ADD', ['friend_add.webhook.captured.json', 'friend_add.ws.docs.json']],
    ['groupAddRobot', 'GROUP_ADD_ROBOT', ['group_add_robot.webhook.captured.json', 'group_add_robot.ws.docs.json']],
  ] as const)('%s builds a %s matching the samples and dispatches it', async (helper, type, samples) => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu);
    const attachments = [{ url: 'https://example.invalid/a.jpg', filename: 'a.jpg', width: 1, height: 1, size: 1, content_type: 'image/jpeg', content: '' }];
    const inject = {
      c2cMessage: () => emu.c2cMessage({ content: 'hello', attachments }),
      groupAtMessage: () => emu.groupAtMessage({ content: 'hello' }),
      guildAtMessage: () => emu.guildAtMessage({ content: 'hello' }),
      directMessage: () => emu.directMessage({ content: 'hello' }),
      interaction: () => emu.interaction({ scene: 'c2c', buttonData: 'ok' }),
      friendAdd: () => emu.friendAdd(),
      groupAddRobot: () => emu.groupAddRobot(),
    }[helper] as () => InjectedEvent;
    const event = inject();
    for (const name of samples) expectShapeCovers(event.data, sampleData(name));
    const frame = await client.next(0);
    expect(frame).toEqual({ op: 0, s: event.s, t: type, id: event.id, d: event.data });
    expect(event.id.startsWith(`${type}:`)).toBe(true);
    const envelope = sample(samples[samples.length - 1]!) as Record<string, unknown>;
    if (typeof envelope.op === 'number') expect(Object.keys(frame).sort()).toEqual(Object.keys(envelope).sort());
  });

  it('fills realistic details: ids, timestamps, the @ space, the bot mention, interaction scenes', async () => {
    ({ emu } = await startTestEmulator());
    const c2c = emu.c2cMessage({ content: 'hi', userOpenid: 'ABC' });
    expect(c2c.msgId).toMatch(/^ROBOT1\.0_.+!$/);
    expect(c2c.data).toMatchObject({ author: { id: 'ABC', user_openid: 'ABC', union_openid: 'ABC' }, timestamp: '2025-01-01T08:00:00+08:00' });
    expect(emu.groupAtMessage({ content: 'hi' }).data.content).toBe(' hi');
    expect(emu.guildAtMessage({ content: 'hi' }).data.content).toBe(`<@!${emu.botUser.id}> hi`);
    expect(emu.guildAtMessage({ content: 'hi', mention: false }).data.content).toBe('hi');
    expect(emu.directMessage({ content: 'dm' }).data).toMatchObject({ direct_message: true });
    expect(emu.friendAdd().data.timestamp).toBe(Date.UTC(2025, 0, 1) / 1000);
    const group = emu.interaction({ scene: 'group', groupOpenid: 'G', memberOpenid: 'M' });
    expect(group.data).toMatchObject({ scene: 'group', chat_type: 1, group_openid: 'G', group_member_openid: 'M', application_id: '102000001' });
    const guild = emu.interaction({ scene: 'guild', channelId: 'C' });
    expect(guild.data).toMatchObject({ scene: 'guild', chat_type: 0, channel_id: 'C' });
  });
});

describe('inbound registry', () => {
  it('records every injected message and event with scene and target, looked up by msg id and event id', async () => {
    let clock;
    ({ emu, clock } = await startTestEmulator());
    const start = clock.t;
    const c2c = emu.c2cMessage({ content: 'a', userOpenid: 'U1' });
    clock.advance(1000);
    const group = emu.groupAtMessage({ content: 'b', groupOpenid: 'G1' });
    const guild = emu.guildAtMessage({ content: 'c', channelId: 'CH1' });
    const dm = emu.directMessage({ content: 'd', guildId: 'DMG' });
    const friend = emu.friendAdd({ openid: 'U2' });
    const robot = emu.groupAddRobot({ groupOpenid: 'G2' });
    const click = emu.interaction({ scene: 'c2c', userOpenid: 'U3' });

    expect(emu.inbound.byMsgId(c2c.msgId!)).toEqual({ msgId: c2c.msgId, eventId: c2c.id, type: 'C2C_MESSAGE_CREATE', scene: 'c2c', target: 'U1', at: start });
    expect(emu.inbound.byEventId(group.id)).toMatchObject({ scene: 'group', target: 'G1', at: start + 1000, msgId: group.msgId });
    expect(emu.inbound.byMsgId(guild.msgId!)).toMatchObject({ scene: 'guild', target: 'CH1' });
    expect(emu.inbound.byMsgId(dm.msgId!)).toMatchObject({ scene: 'dm', target: 'DMG' });
    expect(emu.inbound.byEventId(friend.id)).toMatchObject({ scene: 'c2c', target: 'U2', type: 'FRIEND_ADD' });
    expect(emu.inbound.byEventId(friend.id)).not.toHaveProperty('msgId');
    expect(emu.inbound.byEventId(robot.id)).toMatchObject({ scene: 'group', target: 'G2' });
    expect(emu.inbound.byInteractionId(click.msgId!)).toMatchObject({ scene: 'c2c', target: 'U3', eventId: click.id });
    expect(emu.inbound.all()).toHaveLength(7);

    emu.dispatch('C2C_MSG_RECEIVE', { openid: 'U4', timestamp: 1 });
    emu.dispatch('GUILD_CREATE', { id: 'x' });
    expect(emu.inbound.all()).toHaveLength(8);
  });
});
