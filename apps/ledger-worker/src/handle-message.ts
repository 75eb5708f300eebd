import type { Message } from '@aws-sdk/client-sqs';
import { parseLedgerEvent } from '@keyless/contracts';
import { isDataError, type Database } from '@keyless/db';
import type { Logger } from '@keyless/logging';
import { MetricUnit, type Metrics } from '@keyless/metrics';
import { extractTraceContext } from '@keyless/telemetry';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { receiveCount, type Verdict } from './queue-consumer.ts';
import { recordUploadProcessed } from './record-upload.ts';

export interface MessageHandlerDeps {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  queueName: string;
  /** Called when a message failed for a reason other than its own data (database or credentials). */
  onInfrastructureFailure: (reason: string) => void;
}

const tracer = trace.getTracer('@keyless/ledger-worker');

/**
 * Handles one `ledger-events` message inside a span that continues the producer's trace:
 * parse it against the contract, then record it. A malformed or unknown message is rejected with
 * its reason and left to the redrive policy; it never stops the worker.
 */
export function createMessageHandler(deps: MessageHandlerDeps): (message: Message) => Promise<Verdict> {
  return (message) =>
    tracer.startActiveSpan(
      `${deps.queueName} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.operation.type': 'process',
          'messaging.destination.name': deps.queueName,
          'messaging.message.id': message.MessageId ?? '',
        },
      },
      extractTraceContext(message.MessageAttributes ?? {}),
      async (span) => {
        try {
          return await handle(deps, message, span);
        } finally {
          span.end();
        }
      },
    );
}

async function handle(deps: MessageHandlerDeps, message: Message, span: Span): Promise<Verdict> {
  const { db, logger, metrics } = deps;
  const context = {
    messageId: message.MessageId,
    receiveCount: receiveCount(message),
  };
  const parsed = parseLedgerEvent(message.Body);
  if (!parsed.ok) {
    metrics.addMetric('MessagesRejected', MetricUnit.Count, 1);
    span.setStatus({ code: SpanStatusCode.ERROR, message: parsed.reason });
    logger.warn({ ...context, reason: parsed.reason }, 'message rejected; left to the redrive policy');
    return 'retry';
  }
  const event = parsed.event;
  try {
    const outcome = await recordUploadProcessed(db, event);
    metrics.addMetric('MessagesProcessed', MetricUnit.Count, 1);
    if (outcome === 'duplicate') metrics.addMetric('MessagesDuplicate', MetricUnit.Count, 1);
    span.setAttribute('keyless.ledger.outcome', outcome);
    logger.debug({ ...context, idempotencyKey: event.idempotencyKey, outcome }, 'message recorded');
    return 'delete';
  } catch (error) {
    metrics.addMetric('MessagesFailed', MetricUnit.Count, 1);
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    const reason = error instanceof Error ? error.message : String(error);
    if (isDataError(error)) {
      logger.warn(
        { ...context, err: error },
        'message failed on its data; it will be retried, then redriven',
      );
    } else {
      logger.warn({ ...context, err: error }, 'message failed: ledger unavailable; it will be retried');
      deps.onInfrastructureFailure(reason);
    }
    return 'retry';
  }
}
