/**
 * System ids under which the bot registers its long-lived helpers. A shard or discovery machine
 * running on its own (unit tests) finds none of them and carries on without.
 */
export const SystemId = {
  bot: 'bot',
  token: 'token',
  identifyThrottle: 'identifyThrottle',
} as const;

