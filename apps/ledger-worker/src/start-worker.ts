import { awsSettingsFrom, createSecretsManagerClient, createSqsClient } from '@keyless/aws';
import { Database, tlsOptions } from '@keyless/db';
import type { Logger } from '@keyless/logging';
import type { Metrics } from '@keyless/metrics';
import { SecretCache } from '@keyless/secrets';
import { exponentialDelay } from './backoff.ts';
import { DependencyGate } from './dependency-gate.ts';
import { createMessageHandler } from './handle-message.ts';
import { startHealthServer } from './health-server.ts';
import { QueueConsumer, type StopSummary } from './queue-consumer.ts';
import type { WorkerConfig } from './worker-config.ts';
import { recordBatch, startMetricsPublisher } from './worker-metrics.ts';

export interface RunningWorker {
  healthPort: number;
  /** Drains the consumer, closes the pool, publishes the last metrics, closes the health server. */
  stop(signal: string): Promise<StopSummary>;
}

/** Wires the worker's parts together and starts consuming. */
export async function startWorker(
  config: WorkerConfig,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): Promise<RunningWorker> {
  const aws = awsSettingsFrom(config);
  // A long poll keeps the socket quiet for up to WAIT_TIME_SECONDS; the timeout must outlast it.
  const sqs = createSqsClient({ ...aws, requestTimeoutMs: (config.WAIT_TIME_SECONDS + 10) * 1_000 });
  const secrets = new SecretCache({
    // A degraded endpoint should make a refresh fail (and the cached value be served) quickly.
    client: createSecretsManagerClient({ ...aws, requestTimeoutMs: 3_000 }),
    ttlMs: config.SECRET_TTL_SECONDS * 1_000,
    forcedRefreshIntervalMs: config.SECRET_FORCED_REFRESH_INTERVAL_SECONDS * 1_000,
    logger,
  });
  const db = new Database({
    secrets,
    secretId: config.WRITER_SECRET_ID,
    logger,
    ssl: tlsOptions(config),
    poolSize: config.CONCURRENCY,
    connectionTimeoutMs: config.DB_CONNECT_TIMEOUT_SECONDS * 1_000,
    applicationName: 'ledger-worker',
  });
  // Ready means: the secret is readable, the database accepts it, and the migrations have run.
  const gate = new DependencyGate({
    probe: async () => {
      await db.query('SELECT 1 FROM upload_events LIMIT 0');
    },
    logger,
  });
  const queueName = new URL(config.QUEUE_URL).pathname.split('/').pop() || 'ledger-events';
  const consumer = new QueueConsumer({
    sqs,
    queueUrl: config.QUEUE_URL,
    concurrency: config.CONCURRENCY,
    waitTimeSeconds: config.WAIT_TIME_SECONDS,
    visibilityTimeoutSeconds: config.VISIBILITY_TIMEOUT_SECONDS,
    retryDelaySeconds: (receives) =>
      exponentialDelay(receives, config.RETRY_BASE_DELAY_SECONDS, config.RETRY_MAX_DELAY_SECONDS),
    handle: createMessageHandler({
      db,
      logger,
      metrics,
      queueName,
      onInfrastructureFailure: (reason) => gate.close(reason),
    }),
    whenReady: (signal) => gate.whenReady(signal),
    onReceive: (messages) => recordBatch(metrics, messages),
    logger,
  });

  let stopping = false;
  const health = await startHealthServer({
    host: config.HEALTH_HOST,
    port: config.HEALTH_PORT,
    readiness: () => (stopping ? { ready: false, reason: 'shutting down' } : gate.readiness),
  });
  const stopMetrics = startMetricsPublisher(metrics, config.METRICS_FLUSH_SECONDS * 1_000, {
    secrets: () => secrets.stats(),
    database: () => db.stats(),
  });
  consumer.start();
  logger.info(
    { queueUrl: config.QUEUE_URL, concurrency: config.CONCURRENCY, healthPort: health.port },
    'ledger-worker started',
  );

  return {
    healthPort: health.port,
    async stop(signal) {
      stopping = true;
      logger.info({ signal }, 'stopping: no more receives; draining');
      const summary = await consumer.stop(config.SHUTDOWN_TIMEOUT_SECONDS * 1_000);
      logger.info({ ...summary }, 'drained');
      // Closing the pool waits for every connection to come back; an abandoned statement's may not.
      if (summary.abandoned === 0) await db.close();
      stopMetrics();
      await health.close();
      return summary;
    },
  };
}
