import type { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * For long-running services (ECS, EKS): publishes the stored metrics every `intervalMs`.
 * `collect`, when given, runs first each time, to add what the service counts elsewhere (a pool's
 * or a cache's running totals, requests aggregated in memory). Returns `stop`, which cancels the
 * timer and publishes whatever is still stored; call it on shutdown. Lambda handlers publish once
 * per invocation instead.
 */
export function startPeriodicFlush(metrics: Metrics, intervalMs: number, collect?: () => void): () => void {
  // Publishing an empty buffer emits no document but logs a warning, so idle intervals are skipped.
  const flush = () => {
    collect?.();
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  const timer = setInterval(flush, intervalMs);
  // The flush timer alone must not keep a process alive that has nothing else left to do.
  timer.unref();
  return () => {
    clearInterval(timer);
    flush();
  };
}
