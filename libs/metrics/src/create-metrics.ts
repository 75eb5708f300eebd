import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';

export interface MetricsSettings {
  /** CloudWatch namespace, e.g. "keyless". */
  namespace: string;
  /** Becomes the `service` dimension. */
  service: string;
  /** Becomes the `environment` dimension (DEPLOY_ENV). */
  environment: string;
  /**
   * Receives Powertools' own warnings (invalid dimension, empty publish). Pass the service's logger
   * so they arrive as JSON lines; without it they are plain text on stderr.
   */
  logger?: MetricsOptions['logger'];
}

/**
 * A Powertools Metrics instance that writes CloudWatch Embedded Metric Format (EMF) documents to
 * stdout, with `service` and `environment` as default dimensions on every metric.
 */
export function createMetrics({ namespace, service, environment, logger }: MetricsSettings): Metrics {
  return new Metrics({ namespace, serviceName: service, defaultDimensions: { environment }, logger });
}
