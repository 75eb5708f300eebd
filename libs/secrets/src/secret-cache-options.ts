import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The two methods the cache logs with; a pino Logger fits. */
export interface SecretCacheLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface SecretCacheOptions {
  /** A client from `createSecretsManagerClient` (default credential chain). */
  client: SecretsManagerClient;
  /**
   * How long a value is served before its AWSCURRENT version is checked again. Default 5 minutes:
   * an authentication failure forces a refresh anyway (see `forceRefresh`), so the TTL only bounds
   * how long a replica takes to notice a change that breaks nothing (a new host, alternating-users
   * rotation), at the cost of one DescribeSecret per TTL per secret per process.
   */
  ttlMs?: number;
  /**
   * Least time between two forced refreshes of one secret. Default 10 seconds: a storm of
   * authentication failures costs at most six GetSecretValue calls a minute per process.
   */
  forcedRefreshIntervalMs?: number;
  /** After a failed refresh, no call before `initialMs`, doubling per failure up to `maxMs`. Default 1 s → 5 min. */
  retryBackoff?: { initialMs: number; maxMs: number };
  logger?: SecretCacheLogger;
  /** Milliseconds clock; tests pass a controllable one. Default `Date.now`. */
  now?: () => number;
}

export const secretCacheDefaults = {
  ttlMs: 5 * 60_000,
  forcedRefreshIntervalMs: 10_000,
  retryBackoff: { initialMs: 1_000, maxMs: 5 * 60_000 },
};
