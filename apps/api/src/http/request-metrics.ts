import { MetricUnit, type Metrics } from '@keyless/metrics';
import type { AuthFailureReason } from '../auth/auth-failure-reason.ts';

// Powertools publishes by itself once a metric holds 100 values, and that publish clears the
// dimensions; keeping each document below that keeps every value under its route and status.
const VALUES_PER_DOCUMENT = 99;

/**
 * Request count and latency by route and status, and auth failures by reason, aggregated in memory
 * and written as EMF documents by `flush()` (called on a timer and at shutdown). One document per
 * request would cost more than the request itself under load.
 */
export function createRequestMetrics(metrics: Metrics) {
  const requests = new Map<string, { route: string; status: string; latencies: number[] }>();
  const authFailures = new Map<AuthFailureReason, number>();

  return {
    recordRequest(route: string, status: number, latencyMs: number): void {
      const key = `${route} ${status}`;
      let entry = requests.get(key);
      if (!entry) {
        entry = { route, status: String(status), latencies: [] };
        requests.set(key, entry);
      }
      entry.latencies.push(Math.round(latencyMs * 100) / 100);
    },

    recordAuthFailure(reason: AuthFailureReason): void {
      authFailures.set(reason, (authFailures.get(reason) ?? 0) + 1);
    },

    /** Writes everything recorded since the last flush. Synchronous, so no request interleaves. */
    flush(): void {
      for (const { route, status, latencies } of requests.values()) {
        for (let start = 0; start < latencies.length; start += VALUES_PER_DOCUMENT) {
          const chunk = latencies.slice(start, start + VALUES_PER_DOCUMENT);
          metrics.addDimensions({ route, status });
          metrics.addMetric('Requests', MetricUnit.Count, chunk.length);
          for (const value of chunk) metrics.addMetric('Latency', MetricUnit.Milliseconds, value);
          metrics.publishStoredMetrics();
        }
      }
      for (const [reason, count] of authFailures) {
        metrics.addDimensions({ reason });
        metrics.addMetric('AuthFailures', MetricUnit.Count, count);
        metrics.publishStoredMetrics();
      }
      requests.clear();
      authFailures.clear();
    },
  };
}

export type RequestMetrics = ReturnType<typeof createRequestMetrics>;
