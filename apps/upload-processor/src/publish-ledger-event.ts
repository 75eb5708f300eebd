import { createHash } from 'node:crypto';
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { uploadProcessedV1, type UploadProcessedV1 } from '@keyless/contracts';
import { injectTraceContext } from '@keyless/telemetry';

export type LedgerPublisher = (event: UploadProcessedV1) => Promise<void>;

/**
 * The same key for every delivery of the same object (its version in a versioned bucket, else
 * its ETag): S3 may deliver an event twice, and this function re-sends after a crash between
 * recording and sending, so the ledger keeps one row per key.
 */
export function idempotencyKey(object: {
  bucket: string;
  key: string;
  eTag: string;
  versionId?: string | undefined;
}) {
  const identity = JSON.stringify([object.bucket, object.key, object.versionId ?? null, object.eTag]);
  return `s3-object:${createHash('sha256').update(identity).digest('hex')}`;
}

/**
 * Sends `upload.processed` to the ledger-events queue, validated against the contract, with the
 * current trace context as message attributes (`traceparent`, `tracestate`) so the ledger-worker
 * continues this trace. Inside a bundle the AWS SDK is not instrumented, so this is done here.
 */
export function createLedgerPublisher(sqs: SQSClient, queueUrl: string): LedgerPublisher {
  return async (event) => {
    const body = uploadProcessedV1.parse(event);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(body),
        MessageAttributes: traceAttributes(),
      }),
    );
  };
}

function traceAttributes(): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(injectTraceContext({})).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: value },
    ]),
  );
}
