import type { Message } from '@aws-sdk/client-sqs';
import type { DatabaseStats } from '@keyless/db';
import { MetricUnit, type Metrics } from '@keyless/metrics';
import type { SecretCacheStats } from '@keyless/secrets';

/** Per receive: how many messages came, and how long the oldest had waited in the queue. */
export function recordBatch(metrics: Metrics, messages: Message[], now = Date.now()): void {
  metrics.addMetric('BatchSize', MetricUnit.Count, messages.length);
  const sent = messages.map((m) => Number(m.Attributes?.SentTimestamp)).filter(Number.isFinite);
  if (sent.length > 0) metrics.addMetric('MessageLag', MetricUnit.Milliseconds, now - Math.min(...sent));
}

interface Sources {
  secrets: () => SecretCacheStats;
  database: () => DatabaseStats;
}

/**
 * Publishes the stored metrics every `intervalMs`, adding what the secret cache and the pool
 * counted since the last time. Returns `stop`, which publishes the remainder.
 */
export function startMetricsPublisher(metrics: Metrics, intervalMs: number, sources: Sources): () => void {
  let last = { secrets: sources.secrets(), database: sources.database() };
  const publish = () => {
    const now = { secrets: sources.secrets(), database: sources.database() };
    const deltas: [string, number][] = [
      ['SecretCacheHits', now.secrets.hits - last.secrets.hits],
      ['SecretCacheMisses', now.secrets.misses - last.secrets.misses],
      ['SecretCacheStale', now.secrets.stale - last.secrets.stale],
      ['DbAuthRefreshes', now.database.authRefreshes - last.database.authRefreshes],
    ];
    last = now;
    for (const [name, value] of deltas) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    // Publishing an empty buffer emits nothing but a warning, so idle intervals are skipped.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  const timer = setInterval(publish, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    publish();
  };
}
