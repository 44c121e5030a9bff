import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret value (app secret, access token) so that it cannot leak by accident: JSON, string
 * conversion, `util.inspect` (console.log, pino) and XState inspection snapshots all see `[redacted]`.
 * Only `reveal()` returns the value, and only the I/O actors call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** True when both hold the same value; compares without revealing. */
  equals(other: Secret | undefined): boolean {
    return other !== undefined && other.#value === this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const redacted = REDACTED;
