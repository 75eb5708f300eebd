import { Signer } from '@aws-sdk/rds-signer';
import { awsSettingsFrom, createS3Client, createStsClient } from '@keyless/aws';
import { Database, tlsOptions } from '@keyless/db';
import { MetricUnit } from '@keyless/metrics';
import type { RunningService, ServiceContext } from '@keyless/service';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { UsageReporterConfig } from './config.ts';
import { ReportStepError } from './report-step-error.ts';
import { runUsageReport } from './run-report.ts';

/**
 * Starts one run, wired from the configuration: in a span, with its metrics, every client closed
 * at the end so nothing is left running. `finished` is the exit code: 0 when the report was
 * written (whether or not it became the latest), 1 otherwise, with the reason logged.
 */
export function startUsageReporter({
  name,
  config,
  logger,
  metrics,
}: ServiceContext<UsageReporterConfig>): RunningService {
  const aws = awsSettingsFrom(config);
  const sts = createStsClient(aws);
  const s3 = createS3Client(aws);
  // IAM database authentication, as AWS documents it for RDS Proxy: a token signed with the role's
  // credentials from the default chain (IRSA or Pod Identity), minted for each new connection. It
  // is valid fifteen minutes and only for this host, port and user; nothing is stored.
  const signer = new Signer({
    hostname: config.LEDGER_PROXY_HOST,
    port: config.LEDGER_PROXY_PORT,
    username: config.LEDGER_DB_USER,
    region: config.AWS_REGION,
  });
  const db = new Database({
    iamAuth: {
      host: config.LEDGER_PROXY_HOST,
      port: config.LEDGER_PROXY_PORT,
      database: config.LEDGER_DB_NAME,
      user: config.LEDGER_DB_USER,
      token: () => signer.getAuthToken(),
    },
    logger,
    ssl: tlsOptions(config),
    poolSize: 1,
    connectionTimeoutMs: config.DB_CONNECT_TIMEOUT_SECONDS * 1_000,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_SECONDS * 1_000,
    applicationName: name,
  });

  const run = () =>
    trace.getTracer(name).startActiveSpan('usage-report run', async (span) => {
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
  const finished = run().finally(async () => {
    await db.close();
    for (const client of [sts, s3]) client.destroy();
  });

  return {
    finished,
    // A run takes seconds, and a report is written whole or not at all: a stopped pod lets it
    // finish (STOP_TIMEOUT_SECONDS bounds the wait) rather than throw the work away.
    stop: async () => {
      await finished;
    },
  };
}
