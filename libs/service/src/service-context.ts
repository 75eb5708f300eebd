import { loadConfig } from '@keyless/config';
import { createLogger, type Logger } from '@keyless/logging';
import { createMetrics, type Metrics } from '@keyless/metrics';
import type * as z from 'zod/mini';
import type { ServiceContextSettings } from './service-env.ts';

export interface ServiceContext<C> {
  /** The service's name: `service` on every log line, the `service` dimension of every metric. */
  name: string;
  config: C;
  logger: Logger;
  metrics: Metrics;
}

/**
 * What every service starts from, a Lambda function included: its configuration, parsed once (a
 * bad one ends the process with one line per variable, before anything else happens), and the
 * logger and the metrics, both under the one name.
 */
export function createServiceContext<C extends ServiceContextSettings>({
  name,
  configSchema,
}: {
  name: string;
  configSchema: z.core.$ZodType<C>;
}): ServiceContext<C> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const metrics = createMetrics({
    namespace: config.METRICS_NAMESPACE,
    service: name,
    environment: config.DEPLOY_ENV,
    logger,
  });
  return { name, config, logger, metrics };
}
