import { QQBotError, QQConfigError, QQTimeoutError } from './errors.js';

/** Options of `bot.start()`. */
export interface StartOptions {
  /**
   * Give up when the bot is not running after this many milliseconds (real time, also under a
   * simulated `clock`): the bot is stopped and `start()` rejects with a `QQTimeoutError` whose
   * `cause` is the last error seen. Default: wait as long as the machines keep retrying.
   */
  timeoutMs?: number;
  /** Aborting gives up the same way; `start()` rejects with `QQBotError` code `STOPPED`, `cause` the last error seen (or the signal's reason). */
  signal?: AbortSignal;
}

interface StartDeadlineHooks {
  /** Starts the bot (or returns the start already under way). */
  start(): Promise<void>;
  /** Stops everything the start set running. */
  giveUp(): Promise<void>;
  /** The last error the bot reported, for the rejection's `cause`. */
  lastError(): QQBotError | null;
}

/**
 * `start()` with a deadline and an abort signal. On either, everything is stopped first and then the
 * promise rejects, so a caller that catches it has nothing left running. The timer is
 * `AbortSignal.timeout()`: it does not keep the process alive, and nothing needs clearing.
 */
export function startDeadline(options: StartOptions, hooks: StartDeadlineHooks): Promise<void> {
  const { timeoutMs, signal } = options;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    return Promise.reject(new QQConfigError('timeoutMs', `expected a positive number of milliseconds, got ${String(timeoutMs)}`));
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return Promise.reject(new QQConfigError('signal', 'expected an AbortSignal'));
  }
  if (signal?.aborted) return Promise.reject(aborted(signal, hooks.lastError()));
  if (timeoutMs === undefined && signal === undefined) return hooks.start();

  const timer = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      timer?.removeEventListener('abort', onTimeout);
      outcome();
    };
    const giveUp = (reason: () => QQBotError) => {
      if (settled) return;
      const error = reason();
      // Stop first, reject after: whoever catches the rejection finds nothing running.
      const done = () => finish(() => reject(error));
      hooks.giveUp().then(done, done);
    };
    const onAbort = () => giveUp(() => aborted(signal as AbortSignal, hooks.lastError()));
    const onTimeout = () => giveUp(() => new QQTimeoutError(`the bot to start within ${timeoutMs} ms`, undefined, { cause: hooks.lastError() }));
    signal?.addEventListener('abort', onAbort, { once: true });
    timer?.addEventListener('abort', onTimeout, { once: true });
    hooks.start().then(
      () => finish(resolve),
      (error: unknown) => {
        // The stop that giving up causes rejects the start itself; the give-up's reason wins.
        if (!settled && !signal?.aborted && !timer?.aborted) finish(() => reject(error));
      },
    );
  });
}

function aborted(signal: AbortSignal, last: QQBotError | null): QQBotError {
  const cause = last ?? signal.reason;
  const detail = last ? `; last error: ${last.message}` : '';
  return new QQBotError('STOPPED', `start() was aborted before the bot was running${detail}`, { cause });
}
