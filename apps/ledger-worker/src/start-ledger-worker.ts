import { awsSettingsFrom, createSecretsManagerClient, createSqsClient } from '@keyless/aws';
import { Database, tlsOptions } from '@keyless/db';
import { SecretCache } from '@keyless/secrets';
import type { RunningService, ServiceContext } from '@keyless/service';
import { exponentialDelay } from './backoff.ts';
import type { LedgerWorkerConfig } from './config.ts';
import { DependencyGate } from './dependency-gate.ts';
import { createMessageHandler } from './handle-message.ts';
import { startHealthServer } from './health-server.ts';
import { QueueConsumer } from './queue-consumer.ts';
import { countersSinceLastPublish, recordBatch } from './worker-metrics.ts';

/** Wires the worker's parts together and starts consuming. */
export async function startLedgerWorker({
  name,
  config,
  logger,
  metrics,
}: ServiceContext<LedgerWorkerConfig>): Promise<RunningService> {
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
    applicationName: name,
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
  consumer.start();
  logger.info(
    { queueUrl: config.QUEUE_URL, concurrency: config.CONCURRENCY, healthPort: health.port },
    'started',
  );

  return {
    collectMetrics: countersSinceLastPublish(metrics, {
      secrets: () => secrets.stats(),
      database: () => db.stats(),
    }),
    async stop(timeoutMs) {
      stopping = true;
      const summary = await consumer.stop(timeoutMs);
      logger.info({ ...summary }, 'drained');
      // Closing the pool waits for every connection to come back; an abandoned statement's may not.
      if (summary.abandoned === 0) await db.close();
      await health.close();
    },
  };
}
