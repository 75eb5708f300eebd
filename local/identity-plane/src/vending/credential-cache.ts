import type { TemporaryCredentials } from '../contracts.ts';

export interface CachedCredentials {
  credentials: TemporaryCredentials;
  issuedAt: Date;
}

/**
 * Credentials per key (task, pod, instance role), re-issued once fewer than `refreshMarginSeconds`
 * remain. Concurrent requests for a key share one issuance, so a burst of SDK clients starting
 * together costs one AssumeRole.
 */
export class CredentialCache {
  readonly #marginMs: number;
  readonly #entries = new Map<string, CachedCredentials>();
  readonly #inFlight = new Map<string, Promise<CachedCredentials>>();

  constructor(refreshMarginSeconds: number) {
    this.#marginMs = refreshMarginSeconds * 1000;
  }

  get(key: string, issue: () => Promise<TemporaryCredentials>): Promise<CachedCredentials> {
    const cached = this.#entries.get(key);
    if (cached && cached.credentials.expiration.getTime() - Date.now() > this.#marginMs) {
      return Promise.resolve(cached);
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = issue()
        .then((credentials) => {
          const entry = { credentials, issuedAt: new Date() };
          this.#entries.set(key, entry);
          return entry;
        })
        .finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/**
 * 15 minutes: botocore starts refreshing 15 minutes before expiry, the JS SDK 5 minutes before.
 * Serving only credentials with more left than that means no SDK finds them stale on arrival.
 */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 15 * 60;
