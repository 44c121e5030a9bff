/**
 * Lets tests wait for things the emulator observes. Every state change (request, frame, connection, close)
 * emits 'change'; a wait re-checks its predicate on each change, so nothing polls and nothing sleeps.
 */
import { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** Reject after this many ms (real time; a guard against hung tests, not a delay). Default 5000. */
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

export class Observer {
  readonly #emitter = new EventEmitter();
  #closed = false;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  /** Call after any change a predicate might look at. */
  changed(): void {
    this.#emitter.emit('change');
  }

  /**
   * Resolves with the first truthy value `check` returns: now, or after a later change.
   * Rejects on timeout or when the emulator closes.
   */
  waitFor<T>(check: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const { timeoutMs = 5000, description = 'condition' } = options;
    const first = check();
    if (first) return Promise.resolve(first);
    if (this.#closed) return Promise.reject(new Error(`Emulator closed while waiting for ${description}`));
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#emitter.off('change', onChange);
        this.#emitter.off('close', onClose);
      };
      const onChange = (): void => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value) {
          finish();
          resolve(value);
        }
      };
      const onClose = (): void => {
        finish();
        reject(new Error(`Emulator closed while waiting for ${description}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      this.#emitter.on('change', onChange);
      this.#emitter.on('close', onClose);
    });
  }

  close(): void {
    this.#closed = true;
    this.#emitter.emit('close');
  }
}
