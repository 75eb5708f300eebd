export { createMetrics, type MetricsSettings } from './create-metrics.ts';
export { startPeriodicFlush } from './periodic-flush.ts';
export { MetricResolution, MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
