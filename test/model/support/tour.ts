import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { TestModel, TestPath } from 'xstate/graph';
import { transitionKey } from './coverage.js';

type Model = TestModel<AnyMachineSnapshot, EventObject, unknown>;
type Path = TestPath<AnyMachineSnapshot, EventObject>;

const isFinal = (state: AnyMachineSnapshot) => state.status === 'done';

/** Model states are keyed on value and context; model contexts are small by design (bounded counters only). */
export const serializeModelState = (state: AnyMachineSnapshot): string => JSON.stringify([state.value, state.context]);

export interface TourOptions {
  limit?: number;
  /**
   * Model context that matters beyond the transition itself: each model transition is taken once
   * per distinct value (e.g. the token's lifetime when a fetch succeeds: none, live or expired).
   */
  variant?: (state: AnyMachineSnapshot) => string;
}

/**
 * A transition tour of a test model: for every transition of the model's definition (each event
 * and each guarded branch of it, self-loops included), the shortest event sequence that ends by
 * taking it. The candidates come from a shortest prefix to every model state (value × context),
 * then every event enabled there; plain shortest paths would skip self-loops and most branches.
 * Final states are not expanded (`stopWhen`), and a sequence that is a prefix of another one is
 * dropped: the longer path runs the same steps and checks the same states.
 */
export function transitionTour(model: Model, options: TourOptions = {}): Path[] {
  const machine = model.testLogic as unknown as AnyStateMachine;
  const prefixes = model.getShortestPaths({
    allowDuplicatePaths: true,
    serializeState: serializeModelState,
    stopWhen: isFinal,
    limit: options.limit ?? 20_000,
  });
  const events = model.options.events as (state: AnyMachineSnapshot) => EventObject[];
  const best = new Map<string, EventObject[]>();
  for (const prefix of prefixes) {
    if (isFinal(prefix.state)) continue;
    const head = prefix.steps.slice(1).map((step) => step.event);
    for (const event of events(prefix.state)) {
      if (!prefix.state.can(event)) continue;
      const sequence = [...head, event];
      const variant = options.variant?.(prefix.state) ?? '';
      for (const transition of machine.getTransitionData(prefix.state, event)) {
        const key = `${transitionKey(transition as never)}|${variant}`;
        const known = best.get(key);
        if (!known || known.length > sequence.length) best.set(key, sequence);
      }
    }
  }
  const sequences = new Map([...best.values()].map((sequence) => [sequence.map((e) => e.type).join('\u0000'), sequence]));
  const keys = [...sequences.keys()];
  const maximal = keys.filter((key) => !keys.some((other) => other !== key && other.startsWith(`${key}\u0000`)));
  return maximal.sort().flatMap((key) => model.getPathsFromEvents(sequences.get(key) ?? [], { serializeState: serializeModelState }));
}

export function pathName(path: Path): string {
  return path.steps
    .slice(1)
    .map((step) => step.event.type)
    .join(' → ');
}
