/**
 * The longest a shard may stay offline for what happened while it was: the bound behind "as
 * designed" in docs/reliability.md, asserted for every offline stretch of the chaos run.
 *
 * A stretch starts at the disconnect that took the shard down and ends when it is ready again. Each
 * disconnect in it lets the shard wait at most its planned delay (the reconnect backoff at its cap,
 * RATE_LIMIT_WAIT after 4008, INVALID_SESSION_WAIT after op 9), plus an identify slot (one 5 s
 * window per shard ahead of it) when it must identify. A disconnect after the first ended a
 * handshake: when that was a timeout, the handshake lasted that timeout. A failed token request
 * adds at most the token retry cap plus one request, and so does a retry wait already running when
 * the stretch began (no live token at its first disconnect). Every timer may fire one simulated step late,
 * and the ready state shows a step after READY: two steps per disconnect.
 *
 * The delays are read from the shard machine itself, so a change of schedule moves the bound with it.
 */
import type { DisconnectCause, ReconnectPlan } from '../../../machines/reconnect-policy.js';
import { shardMachine, type ShardContext } from '../../../machines/shard.machine.js';
import { tokenRetryCapMs } from '../../../machines/token.machine.js';

export interface GapStep {
  /** Simulated ms. */
  at: number;
  cause?: DisconnectCause;
  plan?: ReconnectPlan;
  /** A token request failed during the stretch. */
  tokenFailure?: boolean;
  /** The bot held a live token at this disconnect. */
  tokenLive?: boolean;
}

type DelayFn = (args: { context: Partial<ShardContext>; event: unknown }) => number;
const delays = shardMachine.implementations.delays as Record<string, number | DelayFn>;

/** The largest value a named delay of the shard machine takes (random jitter at its top). */
function delayMax(name: string, context: Partial<ShardContext> = {}): number {
  const delay = delays[name];
  if (typeof delay === 'number') return delay;
  if (typeof delay !== 'function') throw new Error(`shard machine has no delay ${name}`);
  const random = Math.random;
  Math.random = () => 1 - 1e-12;
  try {
    return delay({ context, event: { type: 'bound' } });
  } finally {
    Math.random = random;
  }
}

const identifyWindowMs = 5_000;
const stepMs = 1_000;
/** The bot's token request timeout in the chaos run (timing.http.tokenMs). */
const tokenRequestMs = 300;

export function handshakeTimeoutMs(waitingFor: string): number {
  if (waitingFor.includes('RESUMED')) return delayMax('RESUMED_TIMEOUT');
  if (waitingFor.includes('READY')) return delayMax('READY_TIMEOUT');
  if (waitingFor.includes('Hello')) return delayMax('HELLO_TIMEOUT');
  return delayMax('CONNECT_TIMEOUT');
}

export function planWaitMaxMs(plan: ReconnectPlan, shards: number): number {
  if (plan.step === 'rate-limited') return delayMax('RATE_LIMIT_WAIT');
  if (plan.afterInvalidSession) return delayMax('INVALID_SESSION_WAIT');
  // The backoff at its cap: the attempt counter far past the end of the schedule.
  return delayMax('RECONNECT_BACKOFF', { failedAttempts: 1_000, settings: { shardCount: shards } as ShardContext['settings'] });
}

/** The bound (ms) for one offline stretch, from what happened in it. */
export function gapBound(steps: readonly GapStep[], shards: number): number {
  let bound = 0;
  let disconnects = 0;
  for (const step of steps) {
    if (step.tokenFailure) {
      bound += tokenRetryCapMs + tokenRequestMs;
      continue;
    }
    if (!step.plan || !step.cause) continue;
    // No live token at the start: the token actor may be in a retry wait that began earlier.
    if (disconnects === 0 && step.tokenLive === false) bound += tokenRetryCapMs + tokenRequestMs;
    if (disconnects > 0 && step.cause.kind === 'timeout') bound += handshakeTimeoutMs(step.cause.waitingFor);
    bound += planWaitMaxMs(step.plan, shards) + 2 * stepMs;
    if (step.plan.step === 'identify') bound += shards * identifyWindowMs;
    disconnects += 1;
  }
  return bound + 2 * stepMs;
}

/** A readable account of a stretch: `+0 s close 1006 → resume`, `+94 s timeout (RESUMED) → resume`, `+95 s token request failed`. */
export function describeSteps(steps: readonly GapStep[]): string[] {
  const start = steps[0]?.at ?? 0;
  return steps.map((step) => {
    const at = `+${Math.round((step.at - start) / 1000)} s`;
    if (step.tokenFailure) return `${at} token request failed`;
    const cause = step.cause!;
    const what =
      cause.kind === 'close' ? `close ${cause.code}` : cause.kind === 'invalid-session' ? `op 9 d=${cause.resumable}` : cause.kind === 'timeout' ? `timeout (${cause.waitingFor})` : cause.kind;
    return `${at} ${what} → ${step.plan!.step}`;
  });
}
