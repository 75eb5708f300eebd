// The ledger-worker process: `node --import @keyless/telemetry/register src/main.ts`.
// Configuration, logger and metrics are made here; everything the worker does lives in the modules
// start-worker.ts wires together.
import { loadConfig } from '@keyless/config';
import { createLogger } from '@keyless/logging';
import { createMetrics } from '@keyless/metrics';
import { shutdownTelemetry } from '@keyless/telemetry';
import { startWorker } from './start-worker.ts';
import { workerConfigSchema } from './worker-config.ts';

const config = loadConfig(workerConfigSchema);
const logger = createLogger({ service: 'ledger-worker', level: config.LOG_LEVEL });
const metrics = createMetrics({
  namespace: 'keyless',
  service: 'ledger-worker',
  environment: config.DEPLOY_ENV,
  logger,
});
const worker = await startWorker(config, { logger, metrics });

// ECS sends SIGTERM, waits stopTimeout, then SIGKILLs: drain within that, then exit 0.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void worker
      .stop(signal)
      .then(
        () => 0,
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          return 1;
        },
      )
      .then(async (code) => {
        await shutdownTelemetry();
        process.exit(code);
      });
  });
}
