import { afterEach, describe, expect, it } from 'vitest';
import { guildShard, type Emulator } from '../../src/emulator/index.js';
import { intentTable } from '../../src/protocol/intents.js';
import { connectAndIdentify, fetchToken, startTestEmulator } from './support/emulator-fixture.js';

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

// Guild ids whose (id >> 22) % 2 is 0 and 1.
const EVEN_GUILD = String(4n << 22n);
const ODD_GUILD = String((5n << 22n) + 123n);

describe('dispatch routing', () => {
  it('computes (guild_id >> 22) % shards', () => {
    expect(guildShard(EVEN_GUILD, 2)).toBe(0);
    expect(guildShard(ODD_GUILD, 2)).toBe(1);
    expect(guildShard('5099581822453968879', 4)).toBe(Number((5099581822453968879n >> 22n) % 4n));
    expect(guildShard('not-a-number', 4)).toBe(0);
  });

  it('routes guild events by guild id and group/C2C events to shard 0', async () => {
    let clock;
    ({ emu, clock } = await startTestEmulator({ shards: 2 }));
    const { access_token: token } = await fetchToken(emu);
    const zero = await connectAndIdentify(emu, { token, shard: [0, 2] });
    clock.advance(5_000);
    const one = await connectAndIdentify(emu, { token, shard: [1, 2] });

    const odd = emu.guildAtMessage({ guildId: ODD_GUILD, content: 'hi' });
    expect(odd).toMatchObject({ shard: 1, s: 2, delivered: true });
    expect(await one.client.next(0)).toMatchObject({ t: 'AT_MESSAGE_CREATE', d: { guild_id: ODD_GUILD } });

    const even = emu.guildAtMessage({ guildId: EVEN_GUILD, content: 'hi' });
    expect(even.shard).toBe(0);
    expect(await zero.client.next(0)).toMatchObject({ d: { guild_id: EVEN_GUILD } });

    const group = emu.groupAtMessage({ content: 'g' });
    expect(group.shard).toBe(0);
    expect(await zero.client.next(0)).toMatchObject({ t: 'GROUP_AT_MESSAGE_CREATE', s: 3 });

    const explicit = emu.dispatch('GUILD_CREATE_EXAMPLE', { any: 1 }, { shard: 1 });
    expect(explicit).toMatchObject({ shard: 1, s: 3 });

    const all = emu.broadcast('PLATFORM_NOTICE', { text: 'x' });
    expect(all.map((r) => r.shard).sort()).toEqual([0, 1]);
    expect([(await one.client.next(0)).t, (await one.client.next(0)).t]).toEqual(['GUILD_CREATE_EXAMPLE', 'PLATFORM_NOTICE']);
    expect((await zero.client.next(0)).t).toBe('PLATFORM_NOTICE');
  });

  it('delivers an event only to sessions that identified with its intent; unknown types always', async () => {
    ({ emu } = await startTestEmulator());
    const { client } = await connectAndIdentify(emu, { intents: intentTable.PUBLIC_GUILD_MESSAGES.bit });
    const c2c = emu.c2cMessage({ content: 'filtered' });
    expect(c2c).toMatchObject({ delivered: false, s: undefined });
    const custom = emu.dispatch('SOMETHING_NEW', { x: 1 });
    expect(custom).toMatchObject({ delivered: true, s: 2 });
    const at = emu.guildAtMessage({ content: 'yes' });
    expect(at.s).toBe(3);
    expect((await client.next(0)).t).toBe('SOMETHING_NEW');
    expect((await client.next(0)).t).toBe('AT_MESSAGE_CREATE');
    expect(emu.stats.dispatched).toBe(2);
  });

  it('reports undelivered when no session exists for the shard', async () => {
    ({ emu } = await startTestEmulator());
    expect(emu.c2cMessage({ content: 'nobody' })).toMatchObject({ delivered: false, s: undefined, shard: 0 });
    // Still recorded as an inbound message (the user did send it).
    expect(emu.inbound.size).toBe(1);
  });
});
