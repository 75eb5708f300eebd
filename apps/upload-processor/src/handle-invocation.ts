import type { Logger } from '@keyless/logging';
import { MetricUnit, type Metrics } from '@keyless/metrics';
import type { LambdaContext } from './lambda-context.ts';
import { processRecord, type RecordDependencies, type RecordResult } from './process-record.ts';
import { parseS3Notification } from './s3-event.ts';
import { flushTraces, inSpan } from './tracing.ts';

export interface ProcessorDependencies extends RecordDependencies {
  logger: Logger;
  metrics: Metrics;
}

export interface InvocationSummary {
  records: RecordResult[];
}

/**
 * The handler's behaviour, with its clients passed in. Every record is attempted; if any failed,
 * the invocation fails with all their reasons, so Lambda retries it (twice) and then sends the
 * event to the failure destination. Records that did succeed are idempotent on the retry.
 */
export function createUploadProcessor(dependencies: ProcessorDependencies) {
  const { logger, metrics } = dependencies;
  return async function handleInvocation(event: unknown, context: LambdaContext): Promise<InvocationSummary> {
    metrics.captureColdStartMetric(context.functionName);
    const log = logger.child({ requestId: context.awsRequestId });
    try {
      const notification = parseS3Notification(event);
      if ('Event' in notification) {
        log.info(
          { event: 'upload.ignored', reason: notification.Event, bucket: notification.Bucket },
          'S3 test event',
        );
        return { records: [] };
      }
      const records: RecordResult[] = [];
      const failures: string[] = [];
      for (const record of notification.Records) {
        const started = performance.now();
        try {
          const result = await inSpan(
            'upload-processor record',
            { 'faas.invocation_id': context.awsRequestId, 'aws.s3.bucket': record.s3.bucket.name },
            (span) => processRecord(record, span, dependencies),
          );
          records.push(result);
          report(result, performance.now() - started);
        } catch (error) {
          failures.push((error as Error).message);
          countOutcome('failed');
          log.error({ event: 'upload.failed', err: error, s3Key: record.s3.object.key }, 'record failed');
        }
      }
      if (failures.length > 0) {
        throw new Error(
          `${failures.length} of ${notification.Records.length} records failed: ${failures.join('; ')}`,
        );
      }
      return { records };
    } finally {
      // Lambda may freeze the process as soon as the handler returns: publish now, not later.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      await flushTraces();
    }

    function report(result: RecordResult, durationMs: number) {
      countOutcome(result.outcome);
      metrics.addMetric('RecordDuration', MetricUnit.Milliseconds, durationMs);
      if (result.outcome === 'processed') metrics.addMetric('ProcessedBytes', MetricUnit.Bytes, result.bytes);
      const level = result.outcome === 'rejected' ? 'warn' : 'info';
      log[level](
        { event: `upload.${result.outcome}`, ...result, durationMs: Math.round(durationMs) },
        result.outcome,
      );
    }
  };

  // Outcome as a dimension of its own metric, so the service-level metrics keep two dimensions.
  function countOutcome(outcome: RecordResult['outcome'] | 'failed') {
    const metric = metrics.singleMetric();
    metric.addDimension('outcome', outcome);
    metric.addMetric('Records', MetricUnit.Count, 1);
  }
}
