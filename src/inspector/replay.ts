import { readFile } from 'node:fs/promises';
import { QQBotError } from '../errors.js';
import type { InspectionRecord } from '../inspect.js';
import { StepBuilder, type InspectorStep, type Observation } from './steps.js';
import type { InspectorInit, InspectorSource } from './source.js';

/**
 * The steps of a `recordInspection()` file, in order. Lines without `path` (written before the
 * inspector existed) are placed under their `actor` id. A line that is not JSON is a typed error
 * naming its line number.
 *
 * @example
 * ```ts
 * const steps = stepsFromRecording(await readFile('inspection.jsonl', 'utf8'));
 * ```
 */
export function stepsFromRecording(text: string): InspectorStep[] {
  const steps: InspectorStep[] = [];
  const builder = new StepBuilder((step) => steps.push(step), { errorsFromContext: true });
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let record: InspectionRecord;
    try {
      record = JSON.parse(line) as InspectionRecord;
    } catch {
      throw new QQBotError('PROTOCOL', `line ${index + 1} of the recording is not JSON`);
    }
    builder.observe(toObservation(record));
  });
  return steps;
}

function toObservation(record: InspectionRecord): Observation {
  const observation: Observation = {
    type: record.type,
    at: record.at,
    path: typeof record.path === 'string' ? record.path : record.actor,
    parent: typeof record.parent === 'string' ? record.parent : null,
  };
  if (typeof record['machine'] === 'string') observation.machine = record['machine'];
  if (typeof record['event'] === 'string') observation.event = record['event'];
  if (record['value'] !== undefined) observation.value = record['value'];
  if (typeof record['status'] === 'string') observation.status = record['status'];
  if (record['context'] !== undefined) observation.context = record['context'];
  if (Array.isArray(record['transitions'])) observation.transitions = record['transitions'] as Observation['transitions'];
  return observation;
}

/** A recording played back: every step at once; the page's slider walks through them. */
export class ReplaySource implements InspectorSource {
  readonly mode = 'replay' as const;
  readonly #steps: InspectorStep[];

  constructor(steps: InspectorStep[]) {
    this.#steps = steps;
  }

  static async fromFile(file: string): Promise<ReplaySource> {
    return new ReplaySource(stepsFromRecording(await readFile(file, 'utf8')));
  }

  init(): InspectorInit {
    const last = this.#steps.at(-1);
    return { mode: 'replay', history: this.#steps, baseline: [], now: last?.at ?? Date.now(), showContent: false };
  }

  drain(): InspectorStep[] {
    return [];
  }

  close(): void {}
}
