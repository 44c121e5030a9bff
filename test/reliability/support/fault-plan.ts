/**
 * The chaos run's schedule, drawn from the seed before the run starts: which fault, on which shard,
 * with which close code or token failure, at which earliest step; and how many events each step
 * dispatches to which shard. Nothing here looks at the bot or at I/O timing, so one seed gives one
 * schedule (test/reliability/replay.test.ts runs a seed twice and compares what took effect).
 *
 * The first pass is round-robin: every kind once, in a seeded order; the rest is a weighted draw.
 */
import { prng } from './scale.js';

export const faultWeights = {
  'close-4009': 12,
  'close-resumable': 8,
  drop: 14,
  zombie: 7,
  'acks-suspended': 4,
  op7: 12,
  'op9-resumable': 7,
  'close-4008': 2,
  'mid-resume': 10,
  'mid-identify': 4,
  'op9-not-resumable': 5,
  'close-identify': 5,
  'token-revoked-4004': 5,
  'token-endpoint': 5,
} as const;

export type FaultKind = keyof typeof faultWeights;
export const faultKinds = Object.keys(faultWeights) as FaultKind[];

/** Kinds that are two faults: a disconnect, then a fault in the middle of the next handshake. */
export const twoStepKinds: ReadonlySet<FaultKind> = new Set(['mid-resume', 'mid-identify']);
/** The kinds whose first step is a non-resumable fault (the platform drops the session). */
export const killKinds: ReadonlySet<FaultKind> = new Set(['op9-not-resumable', 'close-identify', 'mid-identify']);

export const resumableCloseCodes = [1000, 1001, 1011, 4000, 4009] as const;
export const identifyCloseCodes = [4006, 4007, 4900, 4905, 4913] as const;
export const tokenFaultKinds = ['5xx', 'timeout', 'error-code', 'bad-json', 'slow'] as const;
export type TokenFaultKind = (typeof tokenFaultKinds)[number];

export type TapVariant = 'drop' | 'close-4009' | 'op9-resumable' | 'zombie';
const midResumeVariants: readonly TapVariant[] = ['drop', 'close-4009', 'op9-resumable', 'zombie'];
const midIdentifyVariants: readonly TapVariant[] = ['drop', 'close-4009', 'zombie'];

export interface TokenFailures {
  count: number;
  kind: TokenFaultKind;
  status: number;
  delayMs: number;
}

export interface PlannedFault {
  /** 0, 1, 2 … in injection order. */
  index: number;
  /** The earliest step it may be injected at (it waits for its shard to be up). */
  step: number;
  kind: FaultKind;
  shard: number;
  /** Faults it counts for: 2 for the two-step kinds. */
  weight: 1 | 2;
  /** Close code (close-resumable, close-identify). */
  code?: number;
  /** Token endpoint failures queued (token-endpoint; token-revoked-4004 half of the time). */
  tokenFailures?: TokenFailures;
  /** mid-resume: how the first disconnect is caused. */
  how?: 'drop' | 'op7' | 'close-4009';
  /** mid-resume / mid-identify: the fault hitting the handshake. */
  variant?: TapVariant;
}

export interface ChaosPlan {
  totalSteps: number;
  /** Events dispatched at each step. */
  eventsPerStep: Uint32Array;
  /** The shard of each event, in dispatch order. */
  eventShards: Uint8Array;
  faults: PlannedFault[];
}

export interface PlanOptions {
  seed: number;
  events: number;
  faults: number;
  shards: number;
  meanFaultGapMs: number;
  stepMs: number;
}

/** A one-line description of a planned fault, the same for two runs of one seed. */
export function describeFault(fault: PlannedFault): string {
  const parts = [`#${fault.index} ${fault.kind}`, `shard ${fault.shard}`];
  if (fault.code !== undefined) parts.push(`code ${fault.code}`);
  if (fault.how !== undefined) parts.push(`by ${fault.how}`);
  if (fault.variant !== undefined) parts.push(`then ${fault.variant}`);
  if (fault.tokenFailures) {
    const t = fault.tokenFailures;
    parts.push(`token ${t.kind}×${t.count}${t.kind === '5xx' ? ` ${t.status}` : ''}${t.kind === 'slow' ? ` ${t.delayMs} ms` : ''}`);
  }
  return parts.join(', ');
}

export function planChaos(options: PlanOptions): ChaosPlan {
  // Separate streams: changing how faults are drawn leaves the event placement alone, and the reverse.
  const eventRng = prng(options.seed);
  const faultRng = prng(options.seed ^ 0x5eed_fa17);
  const totalSteps = Math.max(1, Math.ceil((options.faults * options.meanFaultGapMs) / options.stepMs));
  const eventsPerStep = new Uint32Array(totalSteps);
  const eventShards = new Uint8Array(options.events);
  for (let i = 0; i < options.events; i++) {
    eventsPerStep[eventRng.int(totalSteps)]! += 1;
    eventShards[i] = eventRng.int(options.shards);
  }

  // Kinds: the first pass takes every kind once (shuffled), then weighted draws; a two-step kind
  // that no longer fits the budget becomes a drop.
  const kinds: FaultKind[] = [];
  const firstPass = [...faultKinds];
  for (let i = firstPass.length - 1; i > 0; i--) {
    const j = faultRng.int(i + 1);
    [firstPass[i], firstPass[j]] = [firstPass[j]!, firstPass[i]!];
  }
  let budget = options.faults;
  const take = (kind: FaultKind) => {
    const weight = twoStepKinds.has(kind) ? 2 : 1;
    const chosen = weight > budget ? 'drop' : kind;
    kinds.push(chosen);
    budget -= twoStepKinds.has(chosen) ? 2 : 1;
  };
  for (const kind of firstPass) if (budget > 0) take(kind);
  while (budget > 0) take(faultRng.weighted(faultWeights));

  const steps = kinds.map(() => faultRng.int(totalSteps)).sort((a, b) => a - b);
  const faults = kinds.map((kind, index): PlannedFault => {
    const fault: PlannedFault = { index, step: steps[index]!, kind, shard: faultRng.int(options.shards), weight: twoStepKinds.has(kind) ? 2 : 1 };
    const tokenFailures = (max: number): TokenFailures => ({
      count: 1 + faultRng.int(max),
      kind: faultRng.pick(tokenFaultKinds),
      status: faultRng.pick([500, 502, 503, 429]),
      delayMs: 50 + faultRng.int(400),
    });
    switch (kind) {
      case 'close-resumable':
        fault.code = faultRng.pick(resumableCloseCodes);
        break;
      case 'close-identify':
        fault.code = faultRng.pick(identifyCloseCodes);
        break;
      case 'token-endpoint':
        fault.tokenFailures = tokenFailures(4);
        break;
      case 'token-revoked-4004':
        if (faultRng.next() < 0.5) fault.tokenFailures = tokenFailures(3);
        break;
      case 'mid-resume':
        fault.variant = faultRng.pick(midResumeVariants);
        fault.how = faultRng.pick(['drop', 'op7', 'close-4009'] as const);
        break;
      case 'mid-identify':
        fault.variant = faultRng.pick(midIdentifyVariants);
        break;
      default:
        break;
    }
    return fault;
  });
  return { totalSteps, eventsPerStep, eventShards, faults };
}
