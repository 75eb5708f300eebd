// Producer-side and ledger-side helpers shared by the worker's integration tests.
import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { UploadProcessedV1 } from '@keyless/contracts';
import type pg from 'pg';

export function uploadEvent(overrides: Partial<UploadProcessedV1> = {}): UploadProcessedV1 {
  const uploadId = randomUUID();
  const ownerSub = overrides.ownerSub ?? randomUUID();
  return {
    type: 'upload.processed',
    version: 1,
    idempotencyKey: `upload.processed:${uploadId}`,
    ownerSub,
    uploadId,
    key: `incoming/${ownerSub}/${uploadId}`,
    bytes: 100,
    sha256: 'c'.repeat(64),
    contentType: 'application/pdf',
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Sends raw bodies ten per SendMessageBatch call, as a producer would. */
export async function sendBodies(
  sqs: SQSClient,
  queueUrl: string,
  bodies: string[],
  attributes?: Record<string, MessageAttributeValue>,
): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          ...(attributes && { MessageAttributes: attributes }),
        })),
      }),
    );
    if (Failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed)}`);
  }
}

export const sendEvents = (sqs: SQSClient, queueUrl: string, events: UploadProcessedV1[]) =>
  sendBodies(
    sqs,
    queueUrl,
    events.map((event) => JSON.stringify(event)),
  );

/** Messages waiting plus messages received and not yet deleted. */
export async function queueDepth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

export async function drainedQueue(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const depth = await queueDepth(sqs, queueUrl);
  return depth.visible === 0 && depth.inFlight === 0;
}

/** Every body in a queue right now (received with visibility 0, so they stay there). */
export async function peekBodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages.map((message) => message.Body ?? '');
}

export async function purge(sqs: SQSClient, queueUrl: string): Promise<void> {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
}

export interface LedgerRow {
  idempotency_key: string;
  owner_sub: string;
  upload_id: string;
  object_key: string;
  bytes: string;
  sha256: string;
  content_type: string;
  occurred_at: Date;
}

export async function ledgerRows(db: pg.Client, keys: string[]): Promise<LedgerRow[]> {
  const { rows } = await db.query<LedgerRow>(
    'SELECT * FROM upload_events WHERE idempotency_key = ANY($1) ORDER BY idempotency_key',
    [keys],
  );
  return rows;
}

export async function usageOf(db: pg.Client, ownerSub: string) {
  const { rows } = await db.query<{ uploads_count: string; bytes_total: string }>(
    'SELECT uploads_count, bytes_total FROM user_usage WHERE owner_sub = $1',
    [ownerSub],
  );
  const row = rows[0];
  return row ? { uploads: Number(row.uploads_count), bytes: Number(row.bytes_total) } : undefined;
}

export async function countRows(db: pg.Client, keys: string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM upload_events WHERE idempotency_key = ANY($1)',
    [keys],
  );
  return Number(rows[0]?.n ?? 0);
}
