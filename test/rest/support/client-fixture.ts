/** Helpers shared by the REST tests: a recording sleep, a capturing logger, and a token source. */
import { Secret } from '../../../src/secret.js';

/** Records every backoff wait instead of waiting. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export interface CapturedLine {
  level: 'debug' | 'warn';
  obj: object;
  msg: string | undefined;
}

/** A pino-compatible logger that keeps every line. */
export function capturingLogger(): { logger: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void }; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  return {
    lines,
    logger: {
      debug: (obj, msg) => void lines.push({ level: 'debug', obj, msg }),
      warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
    },
  };
}

/** Hands out `token-1`, then `token-2`, … on each forced refresh; counts the calls. */
export function sequentialTokens(prefix = 'stub-token-'): {
  getToken(options?: { forceRefresh?: boolean }): Promise<Secret>;
  calls: Array<{ forceRefresh: boolean }>;
} {
  let generation = 1;
  const calls: Array<{ forceRefresh: boolean }> = [];
  return {
    calls,
    async getToken(options) {
      calls.push({ forceRefresh: options?.forceRefresh ?? false });
      if (options?.forceRefresh) generation += 1;
      return new Secret(`${prefix}${generation}`);
    },
  };
}
