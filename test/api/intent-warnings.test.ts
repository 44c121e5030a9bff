/** on(type) for an event the configured intents can never deliver warns, naming the intent to add. */
import { describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot.js';
import type { BotOptions } from '../../src/options.js';
import { appId, captureLogs, secret } from '../support/bot-fixture.js';

function botWith(options: Partial<BotOptions>) {
  const logs = captureLogs('warn');
  const bot = createBot({ appId, secret, logger: logs.logger, ...options });
  const warnings = () => logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40).map((line) => line.msg);
  return { bot, warnings };
}

describe('intents checked against subscriptions', () => {
  it('default intents: INTERACTION_CREATE warns once, naming INTERACTION; covered types stay quiet', () => {
    const { bot, warnings } = botWith({});
    bot.on('C2C_MESSAGE_CREATE');
    bot.on('AT_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE');
    expect(warnings()).toEqual([]);
    bot.on('INTERACTION_CREATE');
    bot.on('INTERACTION_CREATE').subscribe(() => {});
    bot.handle('INTERACTION_CREATE', () => {});
    expect(warnings()).toEqual([
      "on('INTERACTION_CREATE'): the configured intents never deliver INTERACTION_CREATE; add 'INTERACTION' to the intents option",
    ]);
  });

  it('names a private-domain intent as such, through handle() and multi-type on()', () => {
    const { bot, warnings } = botWith({ intents: ['GROUP_AND_C2C_EVENT'] });
    bot.handle(['C2C_MESSAGE_CREATE', 'MESSAGE_CREATE'], () => {});
    expect(warnings()).toEqual([
      "on('MESSAGE_CREATE'): the configured intents never deliver MESSAGE_CREATE; add 'GUILD_MESSAGES' to the intents option (a private-domain intent: also set privateBot: true)",
    ]);
  });

  it('a bitmask is checked the same way; the webhook transport (subscriptions set in the console) is not checked', () => {
    const masked = botWith({ intents: 1 << 26 });
    masked.bot.on('INTERACTION_CREATE');
    masked.bot.on('FRIEND_ADD');
    expect(masked.warnings()).toEqual([
      "on('FRIEND_ADD'): the configured intents never deliver FRIEND_ADD; add 'GROUP_AND_C2C_EVENT' to the intents option",
    ]);
    const webhook = botWith({ transport: 'webhook' });
    webhook.bot.on('INTERACTION_CREATE');
    expect(webhook.warnings()).toEqual([]);
  });
});
