import { describe, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { createTestModel, type TestModel } from 'xstate/graph';
import { pathName, transitionTour } from './tour.js';
import type { World } from './world.js';

/** One generated path's system under test: the world is started by the path's first event. */
export interface PathSession<W extends World> {
  world?: W;
}

/** What a stimulus knows about the state the model says comes next. */
export interface NextState {
  state: AnyMachineSnapshot;
  /** True once the real system passes `check` for that state (for "advance the clock until …"). */
  reached(): boolean;
}

export interface ModelSpec<W extends World, S extends PathSession<W>> {
  /** Test-suite name, e.g. `shard: connection protocol`. */
  name: string;
  /** The abstract model: no invoke, no after, no delayed actions; events are things the harness does. */
  model: AnyStateMachine;
  session(): S;
  /**
   * What the harness does for each model event. After it returns, the runner waits (bounded, real
   * time) until `check` holds for the state the model says comes next.
   */
  stimuli: Record<string, (session: S, next: NextState) => Promise<void> | void>;
  /** Asserts the real system (actor snapshots and what the emulator observed) against a model state. */
  check(session: S, state: AnyMachineSnapshot): void;
  /** See `TourOptions.variant`. */
  variant?: (state: AnyMachineSnapshot) => string;
}

/**
 * Registers one vitest test per path of the model's transition tour. Each path runs on a fresh world
 * (emulator + real actors) and is checked after every step.
 */
export function describeModel<W extends World, S extends PathSession<W>>(spec: ModelSpec<W, S>): void {
  const testModel = createTestModel(spec.model) as unknown as TestModel<AnyMachineSnapshot, EventObject, unknown>;
  const paths = transitionTour(testModel, { variant: spec.variant });
  const eventTypes = new Set(paths.flatMap((path) => path.steps.slice(1).map((step) => step.event.type)));
  const unmapped = [...eventTypes].filter((type) => !(type in spec.stimuli));
  if (unmapped.length > 0) throw new Error(`${spec.name}: model events without a stimulus: ${unmapped.join(', ')}`);

  describe(`model: ${spec.name} (${paths.length} paths)`, () => {
    for (const path of paths) {
      it(pathName(path), async () => {
        const session = spec.session();
        const events = Object.fromEntries(
          Object.entries(spec.stimuli).map(([type, stimulus]) => [
            type,
            async (step: { state: AnyMachineSnapshot }) => {
              const reached = () => {
                try {
                  spec.check(session, step.state);
                  return true;
                } catch {
                  return false;
                }
              };
              await stimulus(session, { state: step.state, reached });
              const world = session.world;
              if (!world) throw new Error(`${type}: no world was started`);
              await world.until(() => spec.check(session, step.state), `${spec.name}: ${type} → ${JSON.stringify(step.state.value)}`);
            },
          ]),
        );
        try {
          await path.test({ events, states: { '*': (state) => spec.check(session, state as AnyMachineSnapshot) } });
        } finally {
          await session.world?.dispose();
        }
      });
    }
  });
}
