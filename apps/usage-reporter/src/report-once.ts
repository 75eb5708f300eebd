import { awsSettingsFrom, createS3Client, createSecretsManagerClient, createStsClient } from '@keyless/aws';
import { Database, tlsOptions } from '@keyless/db';
import type { Logger } from '@keyless/logging';
import { MetricUnit, type Metrics } from '@keyless/metrics';
import { SecretCache } from '@keyless/secrets';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReporterConfig } from './reporter-config.ts';
import { ReportStepError } from './report-step-error.ts';
import { runUsageReport } from './run-report.ts';

/**
 * Wires one run from the configuration, runs it in a span, records its metrics and closes every
 * client, so the process can end by itself. Returns the exit code: 0 when the report was written
 * (whether or not it became the latest), 1 otherwise, with the reason logged.
 */
export async function reportOnce(
  config: ReporterConfig,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): Promise<number> {
  const aws = awsSettingsFrom(config);
  const sts = createStsClient(aws);
  const s3 = createS3Client(aws);
  const secretsManager = createSecretsManagerClient(aws);
  const db = new Database({
    secrets: new SecretCache({ client: secretsManager, logger }),
    secretId: config.READER_SECRET_ID,
    logger,
    ssl: tlsOptions(config),
    poolSize: 1,
    connectionTimeoutMs: config.DB_CONNECT_TIMEOUT_SECONDS * 1_000,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_SECONDS * 1_000,
    applicationName: 'usage-reporter',
  });
  const tracer = trace.getTracer('usage-reporter');
  try {
    return await tracer.startActiveSpan('usage-report run', async (span) => {
      try {
        const summary = await runUsageReport({
          sts,
          s3,
          db,
          logger,
          bucket: config.FILES_BUCKET,
          periodHours: config.REPORT_PERIOD_HOURS,
        });
        span.setAttributes({ 'keyless.report.key': summary.key, 'keyless.report.latest': summary.latest });
        metrics.addMetric('ReportPublished', MetricUnit.Count, 1);
        metrics.addMetric('ReportOwners', MetricUnit.Count, summary.owners);
        metrics.addMetric('ReportSize', MetricUnit.Bytes, summary.bytesWritten);
        return 0;
      } catch (error) {
        const step = error instanceof ReportStepError ? error.step : 'unknown';
        const reason = error instanceof Error ? error.message : String(error);
        logger.error({ step, reason, err: error }, 'usage report failed');
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
        metrics.addMetric('ReportFailed', MetricUnit.Count, 1);
        return 1;
      } finally {
        span.end();
      }
    });
  } finally {
    metrics.publishStoredMetrics();
    await db.close();
    for (const client of [sts, s3, secretsManager]) client.destroy();
  }
}
