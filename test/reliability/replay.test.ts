/**
 * `RELIABILITY_SEED` replays a chaos run: the faults (kind, shard, code, token failure, handshake
 * fault) and the events' placement are drawn from the seed before the run starts, and a fault
 * waits for its shard instead of being redrawn, so I/O timing moves a fault in time but never
 * changes the sequence. Run twice with one seed, the sequence of faults and of what each was seen
 * to cause (close, the bot's reading of it, RESUME or IDENTIFY) is the same.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './support/chaos.js';
import { planChaos } from './support/fault-plan.js';
import { report, seed, sized, timeoutFor } from './support/scale.js';

const size = sized({
  ci: { events: 2_000, faults: 30 },
  full: { events: 2_000, faults: 30 },
  soak: { events: 2_000, faults: 30 },
});
const shape = { ...size, shards: 2, meanFaultGapMs: 30_000 };

/** Connection numbers depend on how many reconnects the bot's own random backoff led to; the rest must not. */
const withoutConnectionIds = (lines: readonly string[]) => lines.map((line) => line.replace(/connection \d+/g, 'connection #'));

describe('chaos replay', () => {
  it(
    `one seed, run twice (${size.events} events, ${size.faults} faults): the same faults in the same order, with the same effects`,
    async () => {
      const first = await runChaos({ ...shape, seed });
      const second = await runChaos({ ...shape, seed });
      report('replay', {
        faults: first.faultSequence.length,
        sameSchedule: JSON.stringify(first.scheduledSequence) === JSON.stringify(second.scheduledSequence),
        sameEffects: JSON.stringify(withoutConnectionIds(first.faultSequence)) === JSON.stringify(withoutConnectionIds(second.faultSequence)),
        sameConnectionIds: JSON.stringify(first.faultSequence) === JSON.stringify(second.faultSequence),
        received: [first.figures['received'], second.figures['received']],
        firstFaults: first.faultSequence.slice(0, 3),
      });
      expect(first.problems).toEqual([]);
      expect(second.problems).toEqual([]);
      expect(second.scheduledSequence).toEqual(first.scheduledSequence);
      expect(withoutConnectionIds(second.faultSequence)).toEqual(withoutConnectionIds(first.faultSequence));
      expect(first.faultSequence).toHaveLength(first.scheduledSequence.length);
    },
    timeoutFor({ ci: 120_000, full: 120_000, soak: 120_000 }),
  );

  it('another seed draws another schedule; the schedule does not depend on anything but the seed and the sizes', () => {
    const options = { ...shape, stepMs: 1_000 };
    const a = planChaos({ ...options, seed });
    const again = planChaos({ ...options, seed });
    const other = planChaos({ ...options, seed: seed + 1 });
    expect(again.faults).toEqual(a.faults);
    expect([...again.eventsPerStep]).toEqual([...a.eventsPerStep]);
    expect([...again.eventShards]).toEqual([...a.eventShards]);
    expect(other.faults).not.toEqual(a.faults);
  });
});
