import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { shardMachine } from '../../machines/shard.machine.js';

describe('the shard context', () => {
  // XState's assign copies a context with Object.assign({}, context, update); V8 keeps such a copy a fast object only
  // for 16 properties (4 in-object + kFastPropertiesSoftLimit 12; a few more depending on how its backing store grew) and makes
  // it a hash table beyond: ≈ 1.6 KB per shard instead of ≈ 0.2 KB (issue 20, heap per idle shard). Group new fields.
  it('has at most 16 top-level fields', () => {
    const actor = createActor(shardMachine, { input: { shardId: 0, shardCount: 1, intents: 0, gatewayUrl: 'ws://127.0.0.1:1' } });
    expect(Object.keys(actor.getSnapshot().context).length).toBeLessThanOrEqual(16);
  });
});
