/**
 * Injected failures for the token and gateway-discovery endpoints: the next N calls fail in the chosen way.
 * Kinds mirror what SDKs must survive (reference §1.5): 5xx, a hang, an HTTP 200 error body, broken JSON, slowness.
 */
import type { HttpFaultKind, HttpFaultOptions } from './types.js';

export interface HttpFault {
  kind: HttpFaultKind;
  options: HttpFaultOptions;
}

export class HttpFaultQueue {
  readonly #pending: HttpFault[] = [];

  add(count: number, kind: HttpFaultKind, options: HttpFaultOptions = {}): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`fault count must be a non-negative integer, got ${count}`);
    for (let i = 0; i < count; i += 1) this.#pending.push({ kind, options });
  }

  /** The fault for the next call, if any (consumed). */
  take(): HttpFault | undefined {
    return this.#pending.shift();
  }

  clear(): void {
    this.#pending.length = 0;
  }

  get pending(): number {
    return this.#pending.length;
  }
}
