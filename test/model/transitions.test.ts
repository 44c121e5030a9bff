import { afterAll, describe, expect, it } from 'vitest';
import { describeTransition, formatCoverageTable, measure, TransitionRecorder } from './support/coverage.js';
import { gatedMachines, ungatedMachineFiles } from './support/gated.js';
import { describeModel } from './support/run.js';
import { botSpec } from './bot.model.js';
import { discoverySpec } from './discovery.model.js';
import { shardAgeSpec } from './shard-age.model.js';
import { shardSpec } from './shard.model.js';
import { throttleSpec } from './throttle.model.js';
import { tokenSpec } from './token.model.js';
import { webhookSpec } from './webhook.model.js';
import { sessionFlushSpec } from './session-flush.model.js';
import { shardLeaseSpec } from './shard-lease.model.js';
import { identifyCoordinationSpec } from './identify-coordination.model.js';

/**
 * Model-based tests of every lifecycle machine, and the transition-coverage gate.
 *
 * All models run in this one file (one worker) so that the transitions the real actors take are
 * collected in one place, in memory: nothing from an earlier run can count. The gate at the end
 * compares them with every transition of every machine definition. `npm run test:transitions`
 * runs just this file; `npm test` runs it with the rest of the suite.
 */
const gated = gatedMachines;
/** Machine files that are in neither the docs nor the gate: a failure (below), and named under the table. */
const ungated = ungatedMachineFiles();

const recorder = new TransitionRecorder();

describeModel(tokenSpec(recorder));
describeModel(shardSpec(recorder));
describeModel(shardAgeSpec(recorder));
describeModel(discoverySpec(recorder));
describeModel(throttleSpec(recorder));
describeModel(botSpec(recorder));
describeModel(webhookSpec(recorder));
describeModel(sessionFlushSpec(recorder));
describeModel(shardLeaseSpec(recorder));
describeModel(identifyCoordinationSpec(recorder));

describe('transition coverage gate', () => {
  const rows = () => measure(gated, recorder.taken);
  afterAll(() => {
    const note = ungated.length > 0 ? `\nNot gated (no model yet): ${ungated.join(', ')}\n` : '';
    console.log(`\nTransition coverage (taken by the real actors during the model tests)\n\n${formatCoverageTable(rows())}\n${note}`);
  });
  it('every machine file is gated', () => {
    expect(ungated, `machine files no model gates: ${ungated.join(', ')}`).toEqual([]);
  });
  for (const machine of gated) {
    it(`every transition of ${machine.id} was taken`, () => {
      const row = rows().find((r) => r.machine === machine.id);
      const missing = row?.missing.map(describeTransition) ?? [];
      expect(missing, `${machine.id}: ${missing.length} transition(s) no test took:\n  ${missing.join('\n  ')}`).toEqual([]);
    });
  }
});
