// The usage-reporter job: `node --import @keyless/telemetry/register src/main.ts`. One run, then
// exit: 0 when the report was written, 1 with the reason logged otherwise (the Kubernetes Job
// retries). Everything the run does lives in the modules report-once.ts wires together.
import { loadConfig } from '@keyless/config';
import { createLogger } from '@keyless/logging';
import { createMetrics } from '@keyless/metrics';
import { shutdownTelemetry } from '@keyless/telemetry';
import { reportOnce } from './report-once.ts';
import { reporterConfigSchema } from './reporter-config.ts';

const config = loadConfig(reporterConfigSchema);
const logger = createLogger({ service: 'usage-reporter', level: config.LOG_LEVEL });
const metrics = createMetrics({
  namespace: 'keyless',
  service: 'usage-reporter',
  environment: config.DEPLOY_ENV,
  logger,
});

process.exitCode = await reportOnce(config, { logger, metrics });
await shutdownTelemetry();
