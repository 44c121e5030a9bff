import { describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot.js';
import { QQConfigError } from '../../src/errors.js';
import type { BotOptions } from '../../src/options.js';

const good: BotOptions = { appId: '102000001', secret: 'some-secret', logger: undefined };

function optionError(options: Partial<BotOptions> | Record<string, unknown>): QQConfigError {
  try {
    createBot({ ...good, ...options } as BotOptions);
  } catch (error) {
    if (error instanceof QQConfigError) return error;
    throw error;
  }
  throw new Error('createBot accepted bad options');
}

describe('createBot() option validation', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['appId', { appId: undefined }, /is required/],
    ['appId', { appId: 102000001 }, /expected a string/],
    ['appId', { appId: 'my-bot' }, /numeric AppID/],
    ['secret', { secret: '' }, /is required/],
    ['secret', { secret: ' padded ' }, /white space/],
    ['intents', { intents: ['GROUP_AND_C2C'] }, /unknown intent "GROUP_AND_C2C"/],
    ['intents', { intents: ['PUBLICGUILDMESSAGES'] }, /did you mean PUBLIC_GUILD_MESSAGES/],
    ['intents', { intents: [] }, /non-empty/],
    ['intents', { intents: 1 << 5 }, /unknown intent bits 0x20/],
    ['intents', { intents: 1.5 }, /positive integer/],
    ['sandbox', { sandbox: 'yes' }, /true or false/],
    ['tokenUrl', { tokenUrl: 'not a url' }, /not a valid URL/],
    ['apiBase', { apiBase: 'ftp://example.com' }, /http: or https:/],
    ['gatewayUrl', { gatewayUrl: 'http://127.0.0.1/ws' }, /ws: or wss:/],
    ['shards', { shards: 'many' }, /'auto' or \{ total, ids \}/],
    ['shards', { shards: { total: 2, ids: [2] } }, /not an integer in \[0, 1\]/],
    ['shards', { shards: { total: 2, ids: [0, 0] } }, /duplicates/],
    ['logger', { logger: console.log }, /pino logger/],
    ['inspect', { inspect: 42 }, /inspection observer/],
    ['timing.shard.HEARTBEAT_INTERVAL', { timing: { shard: { HEARTBEAT_INTERVAL: -1 } } }, /non-negative/],
    ['maxSessionAgeMs', { maxSessionAgeMs: 10 }, /at least 60000/],
    ['clock', { clock: {} }, /setTimeout/],
  ];
  it.each(cases)('%s: %j is rejected with a message naming it', (option, bad, message) => {
    const error = optionError(bad);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toMatch(message);
    expect(error.fatal).toBe(true);
  });

  it('never puts the secret in an error message', () => {
    const error = optionError({ secret: 'hunter2-secret', appId: 'x' });
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('accepts intent names and bitmasks alike', () => {
    expect(() => createBot({ ...good, intents: ['GUILDS', 'GROUP_AND_C2C_EVENT'] })).not.toThrow();
    expect(() => createBot({ ...good, intents: (1 << 0) | (1 << 25) })).not.toThrow();
  });
});
