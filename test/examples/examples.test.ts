/**
 * Every file in examples/ runs against the emulator here, from source: vitest.config.ts maps 'qq-bot-machine' and
 * 'qq-bot-machine/emulator' to src/. The assertions are what each example promises its reader.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { main as commandRouter, parseCommand } from '../../examples/command-router.js';
import { main as echoBot } from '../../examples/echo-bot.js';
import { main as gracefulShutdown } from '../../examples/graceful-shutdown.js';
import { main as guildAdmin } from '../../examples/guild-admin.js';
import { main as perUserThrottle } from '../../examples/per-user-throttle.js';
import { main as richMessages } from '../../examples/rich-messages.js';

const tested = ['command-router', 'echo-bot', 'graceful-shutdown', 'guild-admin', 'per-user-throttle', 'rich-messages'];

describe('examples/', () => {
  it('each example has a test here', () => {
    const files = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(files.sort()).toEqual(tested);
  });

  it('echo-bot answers a C2C and a group message', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const answers = await echoBot();
    expect(answers.sort()).toEqual(['c2c: 你说：你好', 'group: 群里有人说：大家好']);
  });

  it('rich-messages sends markdown + keyboard and two images in a group, acks the click, and ark/embed/text in a guild', async () => {
    const result = await richMessages();
    expect(result.kinds).toEqual([2, 7, 7]);
    expect(result.ackCodes).toEqual([0]);
    expect(result.guildBodies).toEqual(['ark', 'embed', 'content']);
  });

  it('command-router routes /roll, /echo and unknown commands, and ignores plain text', async () => {
    const answers = await commandRouter();
    expect(answers.sort()).toEqual(['🎲 11 (1-20)', '不认识 /dance。命令：/roll [面数]、/echo 文字、/help', '你好 世界'].sort());
    expect(parseCommand({ data: { content: '<@!1> /ROLL  6 ' } } as never)).toMatchObject({ name: 'roll', args: ['6'] });
  });

  it('per-user-throttle answers each user once per window', async () => {
    const answers = await perUserThrottle();
    expect(answers).toEqual({ ALICE: ['收到：spam 1'], BOB: ['收到：hello'] });
  });

  it('graceful-shutdown lets the reply under way finish, then stops the bot', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await gracefulShutdown();
    expect(result.inFlightAtSignal).toBe(1);
    expect(result.repliesAfterShutdown).toBe(1);
    expect(result.lastStatus).toBe('stopped');
  });

  it('guild-admin walks the guild REST surface', async () => {
    const log = await guildAdmin();
    expect(log[0]).toMatch(/^guild .+: 4 channels$/);
    expect(log).toContain('muted for 10 min');
    expect(log).toContain('pinned 1 message(s)');
    expect(log.some((line) => /^schedule \d+ created$/.test(line))).toBe(true);
    expect(log.at(-1)).toBe('not a member: HTTP 404, code 10001');
  });
});
