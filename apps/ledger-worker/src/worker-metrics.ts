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
 * The secret cache and the pool keep running totals; a metric counts per publish. Returns the
 * service's `collectMetrics`: each call adds what they counted since the last one.
 */
export function countersSinceLastPublish(metrics: Metrics, sources: Sources): () => void {
  let last = { secrets: sources.secrets(), database: sources.database() };
  return () => {
    const now = { secrets: sources.secrets(), database: sources.database() };
    const deltas: [string, number][] = [
      ['SecretCacheHits', now.secrets.hits - last.secrets.hits],
      ['SecretCacheMisses', now.secrets.misses - last.secrets.misses],
      ['SecretCacheStale', now.secrets.stale - last.secrets.stale],
      ['DbAuthRefreshes', now.database.authRefreshes - last.database.authRefreshes],
    ];
    last = now;
    for (const [name, value] of deltas) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  };
}
