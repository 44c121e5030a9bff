import { describe, expect, it } from 'vitest';
import { botMachine } from '../../machines/bot.machine.js';
import { gatewayDiscoveryMachine } from '../../machines/gateway.machine.js';
import { identifyCoordinationMachine } from '../../machines/identify-coordination.machine.js';
import { identifyThrottleMachine } from '../../machines/identify-throttle.machine.js';
import { sessionFlushMachine } from '../../machines/session-flush.machine.js';
import { shardMachine } from '../../machines/shard.machine.js';
import { tokenMachine } from '../../machines/token.machine.js';
import { createBot } from '../../src/bot.js';
import { QQConfigError } from '../../src/errors.js';
import type { BotOptions } from '../../src/options.js';
import type { Timing } from '../../src/runtime.js';

const good: BotOptions = { appId: '102000001', secret: 'some-secret', logger: undefined };

function timingError(timing: unknown): QQConfigError {
  try {
    createBot({ ...good, timing } as BotOptions);
  } catch (error) {
    if (error instanceof QQConfigError) return error;
    throw error;
  }
  throw new Error('createBot accepted the timing');
}

describe('the timing option', () => {
  // Which machine each group times: an independent copy of src/runtime.ts's table on purpose, so a group wired to
  // the wrong machine there fails here.
  const machinesOf = {
    token: [tokenMachine],
    gateway: [gatewayDiscoveryMachine],
    shard: [shardMachine],
    identify: [identifyThrottleMachine, identifyCoordinationMachine],
    sessions: [sessionFlushMachine],
    bot: [botMachine],
  };
  const delayNames = Object.entries(machinesOf).flatMap(([group, machines]) =>
    machines.flatMap((machine) => Object.keys(machine.implementations.delays).map((name) => [group, name] as const)),
  );

  it('knows the delays of the machines it times', () => {
    expect(delayNames.length).toBeGreaterThan(15);
  });

  it.each(delayNames)('accepts timing.%s.%s, a delay of the machine', (group, name) => {
    expect(() => createBot({ ...good, timing: { [group]: { [name]: 1_000 } } })).not.toThrow();
  });

  it.each(['tokenMs', 'gatewayMs', 'restMs'])('accepts timing.http.%s', (name) => {
    expect(() => createBot({ ...good, timing: { http: { [name]: 1_000 } } })).not.toThrow();
  });

  const misspelt: Array<[string, unknown, string | undefined]> = [
    ['timing.shard.HELO_TIMEOUT', { shard: { HELO_TIMEOUT: 5_000 } }, 'HELLO_TIMEOUT'],
    ['timing.token.REFERSH', { token: { REFERSH: 5_000 } }, 'REFRESH'],
    ['timing.identify.COORDINATOR_RETRIES', { identify: { COORDINATOR_RETRIES: 5 } }, 'COORDINATOR_RETRY'],
    ['timing.http.restMS', { http: { restMS: 5 } }, 'restMs'],
    ['timing.shrd', { shrd: { HELLO_TIMEOUT: 5 } }, 'shard'],
    ['timing.shard.SOMETHING_ELSE_ENTIRELY', { shard: { SOMETHING_ELSE_ENTIRELY: 5 } }, undefined],
    // A delay of another group is not one of this group's.
    ['timing.token.HELLO_TIMEOUT', { token: { HELLO_TIMEOUT: 5 } }, undefined],
  ];
  it.each(misspelt)('rejects %s, naming the option and the closest name', (option, timing, suggestion) => {
    const error = timingError(timing);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toMatch(/unknown/);
    if (suggestion) expect(error.message).toContain(`did you mean ${suggestion}?`);
    else expect(error.message).not.toContain('did you mean');
    expect(error.fatal).toBe(true);
  });

  it('lists the known names when nothing is close', () => {
    const error = timingError({ shard: { SOMETHING_ELSE_ENTIRELY: 5 } });
    for (const name of Object.keys(shardMachine.implementations.delays)) expect(error.message).toContain(name);
  });

  it('types the names too', () => {
    // @ts-expect-error HELO_TIMEOUT is not a delay of the shard machine.
    const misspeltTiming: Timing = { shard: { HELO_TIMEOUT: 5_000 } };
    const timing: Timing = { shard: { HELLO_TIMEOUT: 5_000 }, identify: { COORDINATOR_RETRY: 10, IDENTIFY_WINDOW: 10 } };
    expect(misspeltTiming.shard).toBeDefined();
    expect(timing.shard?.HELLO_TIMEOUT).toBe(5_000);
  });
});
