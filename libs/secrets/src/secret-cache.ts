import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { currentVersionId, fetchCurrentVersion, type SecretVersion } from './fetch-current-version.ts';
import {
  secretCacheDefaults,
  type SecretCacheLogger,
  type SecretCacheOptions,
} from './secret-cache-options.ts';
import { SecretUnavailableError } from './secret-unavailable-error.ts';

/** Running totals since the cache was created; a service turns their deltas into metrics. */
export interface SecretCacheStats {
  /** Reads answered from the cache without a call. */
  hits: number;
  /** GetSecretValue calls. */
  misses: number;
  /** DescribeSecret calls made when a TTL ran out. */
  versionChecks: number;
  /** Reads answered with a value whose refresh failed or is backing off. */
  stale: number;
  refreshFailures: number;
  forcedRefreshes: number;
  /** Forced refreshes refused by the rate limit (the cached value was returned instead). */
  forcedRefreshesSkipped: number;
}

interface Entry {
  value?: SecretVersion;
  /** When the TTL runs out and the AWSCURRENT version id is checked again. */
  checkAfter: number;
  /** Backoff after failures: no call to Secrets Manager before this. */
  retryAfter: number;
  failures: number;
  lastError?: unknown;
  lastForcedAt: number;
  /** The one refresh under way; every concurrent reader waits for it (single-flight). */
  inflight?: Promise<SecretVersion>;
}

const quiet: SecretCacheLogger = { info: () => undefined, warn: () => undefined };

/**
 * A Secrets Manager cache in the manner of AWS's caching clients (Java, Python, Go): values are
 * kept for a TTL, after which a DescribeSecret tells whether AWSCURRENT moved and only then is the
 * value fetched again. On top of that: concurrent cold reads share one call, a failed refresh keeps
 * serving the cached value (with a warning, a `stale` count and exponential backoff), and
 * `forceRefresh` is rate-limited so a storm of authentication failures cannot hammer the service.
 */
export class SecretCache {
  readonly #client: SecretsManagerClient;
  readonly #ttlMs: number;
  readonly #forcedIntervalMs: number;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #logger: SecretCacheLogger;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #stats: SecretCacheStats = {
    hits: 0,
    misses: 0,
    versionChecks: 0,
    stale: 0,
    refreshFailures: 0,
    forcedRefreshes: 0,
    forcedRefreshesSkipped: 0,
  };

  constructor(options: SecretCacheOptions) {
    this.#client = options.client;
    this.#ttlMs = options.ttlMs ?? secretCacheDefaults.ttlMs;
    this.#forcedIntervalMs = options.forcedRefreshIntervalMs ?? secretCacheDefaults.forcedRefreshIntervalMs;
    this.#backoff = options.retryBackoff ?? secretCacheDefaults.retryBackoff;
    this.#logger = options.logger ?? quiet;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The AWSCURRENT version of `secretId`. Throws SecretUnavailableError only when it cannot be
   * fetched and nothing is cached.
   */
  get(secretId: string): Promise<SecretVersion> {
    const entry = this.#entry(secretId);
    const now = this.#now();
    if (entry.value && now < entry.checkAfter) {
      this.#stats.hits++;
      return Promise.resolve(entry.value);
    }
    if (entry.inflight) return entry.inflight;
    if (now < entry.retryAfter) return this.#whileBackingOff(secretId, entry);
    return this.#refresh(secretId, entry, entry.value ? 'check-version' : 'fetch');
  }

  /**
   * Fetches AWSCURRENT now, for a caller whose credentials were just refused. At most one call per
   * `forcedRefreshIntervalMs` per secret; inside that window the cached value is returned, and a
   * refresh already under way is shared. Compare `versionId` to learn whether anything changed.
   */
  forceRefresh(secretId: string, reason: string): Promise<SecretVersion> {
    const entry = this.#entry(secretId);
    if (entry.inflight) return entry.inflight;
    if (this.#now() - entry.lastForcedAt < this.#forcedIntervalMs) {
      this.#stats.forcedRefreshesSkipped++;
      return this.get(secretId);
    }
    entry.lastForcedAt = this.#now();
    this.#stats.forcedRefreshes++;
    const previousVersionId = entry.value?.versionId;
    return this.#refresh(secretId, entry, 'fetch').then((value) => {
      const changed = value.versionId !== previousVersionId;
      this.#logger.info(
        { secretId, reason, previousVersionId, versionId: value.versionId, changed },
        'secret refreshed on demand',
      );
      return value;
    });
  }

  /** Whether a value is cached (fresh or stale): a service is not ready before its first read. */
  has(secretId: string): boolean {
    return this.#entries.get(secretId)?.value !== undefined;
  }

  stats(): SecretCacheStats {
    return { ...this.#stats };
  }

  #entry(secretId: string): Entry {
    let entry = this.#entries.get(secretId);
    if (!entry) {
      entry = { checkAfter: 0, retryAfter: 0, failures: 0, lastForcedAt: -Infinity };
      this.#entries.set(secretId, entry);
    }
    return entry;
  }

  #whileBackingOff(secretId: string, entry: Entry): Promise<SecretVersion> {
    if (!entry.value) return Promise.reject(new SecretUnavailableError(secretId, entry.lastError));
    this.#stats.stale++;
    return Promise.resolve(entry.value);
  }

  #refresh(secretId: string, entry: Entry, mode: 'check-version' | 'fetch'): Promise<SecretVersion> {
    const cached = entry.value;
    const attempt = async () => {
      if (mode === 'check-version' && cached) {
        this.#stats.versionChecks++;
        if ((await currentVersionId(this.#client, secretId)) === cached.versionId) return cached;
      }
      this.#stats.misses++;
      return fetchCurrentVersion(this.#client, secretId);
    };
    const inflight = attempt().then(
      (value) => {
        Object.assign(entry, { value, checkAfter: this.#now() + this.#ttlMs, retryAfter: 0, failures: 0 });
        return value;
      },
      (error: unknown) => this.#failed(secretId, entry, error),
    );
    entry.inflight = inflight.finally(() => {
      entry.inflight = undefined;
    });
    return entry.inflight;
  }

  #failed(secretId: string, entry: Entry, error: unknown): SecretVersion {
    entry.failures++;
    entry.lastError = error;
    this.#stats.refreshFailures++;
    const retryInMs = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** (entry.failures - 1));
    entry.retryAfter = this.#now() + retryInMs;
    if (!entry.value) throw new SecretUnavailableError(secretId, error);
    this.#stats.stale++;
    this.#logger.warn(
      { secretId, versionId: entry.value.versionId, failures: entry.failures, retryInMs, err: error },
      'secret refresh failed; serving the cached value',
    );
    return entry.value;
  }
}
