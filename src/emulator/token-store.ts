/**
 * Access tokens the emulator has issued, with the platform's refresh rule (reference §1.3): the same token is
 * returned until the last 60 s of its life; then a new one is issued and the old one stays valid until its own
 * expiry, so the two overlap for up to 60 s.
 */
import { accessToken } from './ids.js';

/** The overlap window before expiry in which a new token is issued. */
export const TOKEN_OVERLAP_MS = 60_000;

export interface IssuedToken {
  readonly value: string;
  readonly issuedAt: number;
  expiresAt: number;
}

export type TokenCheck = 'valid' | 'expired' | 'unknown';

export class TokenStore {
  readonly #tokens = new Map<string, IssuedToken>();
  #current: IssuedToken | undefined;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #issued = 0;

  readonly #onIssue: () => void;

  constructor(ttlSeconds: number, now: () => number, onIssue: () => void = () => undefined) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
    this.#onIssue = onIssue;
  }

  /** The token a successful getAppAccessToken call returns now, and its remaining lifetime in whole seconds. */
  obtain(): { token: IssuedToken; expiresIn: number; fresh: boolean } {
    const now = this.#now();
    let fresh = false;
    if (!this.#current || this.#current.expiresAt - now <= TOKEN_OVERLAP_MS) {
      this.#current = { value: accessToken(), issuedAt: now, expiresAt: now + this.#ttlMs };
      this.#tokens.set(this.#current.value, this.#current);
      this.#issued += 1;
      fresh = true;
      this.#onIssue();
    }
    const expiresIn = Math.max(0, Math.floor((this.#current.expiresAt - now) / 1000));
    return { token: this.#current, expiresIn, fresh };
  }

  check(value: string): TokenCheck {
    const token = this.#tokens.get(value);
    if (!token) return 'unknown';
    return this.#now() < token.expiresAt ? 'valid' : 'expired';
  }

  /** Fault injection: every token issued so far expires now; the next obtain() issues a new one. */
  expireAll(): void {
    const now = this.#now();
    for (const token of this.#tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  get issuedCount(): number {
    return this.#issued;
  }

  all(): IssuedToken[] {
    return [...this.#tokens.values()];
  }
}
