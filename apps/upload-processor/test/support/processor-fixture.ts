import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '@keyless/config';
import { issuedUpload, type UploadProcessedV1 } from '@keyless/contracts';
import { adminClients } from '@keyless/emulator-admin';
import { startLocalLambda, type DestinationRecord, type InvocationReport } from '@keyless/local-lambda';
import { startSystem, systemEnv } from '@keyless/local-system';
import type { SpanLine } from '@keyless/telemetry';
import { decodeS3Key, type InvocationSummary } from '../../src/index.ts';

const bundleDir = join(import.meta.dirname, '../../dist');

export interface FixtureOptions {
  memorySizeMb?: number;
  timeoutSeconds?: number;
}

/**
 * The whole local system plus the bundled upload-processor behind the local Lambda runtime:
 * objects put into the bucket reach the function as real S3 notifications.
 */
export async function startProcessorFixture(options: FixtureOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'upload-processor-test-'));
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const config = parseConfig(systemEnv, {
    KEYLESS_PLATFORM_FILE: join(dir, 'platform.json'),
    KEYLESS_TOKEN_DIR: join(dir, 'tokens'),
  });
  const system = await startSystem(config, { destination });
  const { description } = system;
  const { region, resources } = description;
  const admin = adminClients({ endpoint: description.endpoints.aws, region });
  const documents = DynamoDBDocumentClient.from(admin.dynamodb);
  const reports: InvocationReport[] = [];
  const output: string[] = [];
  const tracesFile = join(dir, 'traces.jsonl');

  let lambda;
  try {
    lambda = await startLocalLambda({
      function: {
        functionName: 'upload-processor',
        codeDirectory: bundleDir,
        handler: 'index.handler',
        roleArn: resources.roles['upload-processor'] ?? '',
        region,
        memorySizeMb: options.memorySizeMb ?? 512,
        timeoutSeconds: options.timeoutSeconds ?? 60,
        environment: {
          AWS_ENDPOINT_URL: description.endpoints.aws,
          UPLOADS_TABLE: resources.names.uploadsTable,
          LEDGER_EVENTS_QUEUE_URL: resources.queues.ledgerEvents.url,
          DEPLOY_ENV: 'local',
          LOG_LEVEL: 'info',
        },
      },
      trigger: { bucket: resources.names.bucket, prefix: 'incoming/' },
      failureDestination: { queueUrl: resources.queues.uploadFailures.url },
      emulator: { endpoint: description.endpoints.aws, region },
      issuer: system.sts.issueServiceCredentials,
      logger: system.logger,
      retryDelaysSeconds: [0.2, 0.2],
      telemetry: { tracesFile },
      output: (line) => output.push(line),
      onInvocation: (report) => reports.push(report),
    });
  } catch (error) {
    await system.stop();
    throw error;
  }
  const running = lambda;

  const ledger: { body: UploadProcessedV1; attributes: Message['MessageAttributes'] }[] = [];
  const failures: DestinationRecord[] = [];
  const drain = async (queueUrl: string, into: (message: Message) => void) => {
    const { Messages = [] } = await admin.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages) {
      into(message);
      await admin.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  };

  const fixture = {
    system,
    admin,
    reports,
    output,
    logLines,
    bucket: resources.names.bucket,
    eventQueueUrl: running.eventQueueUrl,

    /** Creates the PENDING item as the api does when it issues an upload URL. */
    async createUpload(ownerSub: string, filename: string, declaredBytes: number) {
      const item = issuedUpload({
        ownerSub,
        uploadId: randomUUID(),
        filename,
        contentType: 'application/octet-stream',
        declaredBytes,
        createdAt: new Date(),
      });
      await documents.send(new PutCommand({ TableName: resources.names.uploadsTable, Item: item }));
      return { ownerSub, uploadId: item.uploadId, key: item.objectKey };
    },

    /** What the client's PUT to the presigned URL stores: the body and the signed metadata. */
    async putObject(key: string, body: Buffer | string, metadata: Record<string, string>) {
      const { ETag = '' } = await admin.s3.send(
        new PutObjectCommand({
          Bucket: resources.names.bucket,
          Key: key,
          Body: Buffer.from(body),
          Metadata: metadata,
        }),
      );
      return ETag.replaceAll('"', '');
    },

    async item(ownerSub: string, uploadId: string) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: resources.names.uploadsTable,
          Key: { ownerSub, uploadId },
          ConsistentRead: true,
        }),
      );
      return Item;
    },

    /** Delivers an event again, as S3's at-least-once delivery may. */
    async redeliver(event: unknown) {
      await admin.sqs.send(
        new SendMessageCommand({ QueueUrl: running.eventQueueUrl, MessageBody: JSON.stringify(event) }),
      );
    },

    /** Every invocation whose event was about `key` (decoded), in order. */
    reportsFor(key: string) {
      return reports.filter((report) => eventKeys(report.event).includes(key));
    },

    /** Waits until at least `count` invocations for `key` have ended; returns them all. */
    invocationsFor(key: string, count = 1, timeoutMs?: number) {
      return eventually(
        () => {
          const found = fixture.reportsFor(key);
          return found.length >= count && (found as [InvocationReport, ...InvocationReport[]]);
        },
        `${count} invocation(s) for ${key}`,
        timeoutMs,
      );
    },

    async ledgerMessages() {
      await drain(resources.queues.ledgerEvents.url, (message) =>
        ledger.push({
          body: JSON.parse(message.Body ?? '') as UploadProcessedV1,
          attributes: message.MessageAttributes,
        }),
      );
      return ledger;
    },

    async failureRecords() {
      await drain(resources.queues.uploadFailures.url, (message) =>
        failures.push(JSON.parse(message.Body ?? '')),
      );
      return failures;
    },

    spans(): SpanLine[] {
      try {
        return readFileSync(tracesFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as SpanLine);
      } catch {
        return [];
      }
    },

    async stop() {
      await running.stop();
      await system.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export type ProcessorFixture = Awaited<ReturnType<typeof startProcessorFixture>>;

/** The decoded keys an S3 notification is about. */
export function eventKeys(event: unknown): string[] {
  const records = (event as { Records?: { s3: { object: { key: string } } }[] }).Records ?? [];
  return records.map((record) => decodeS3Key(record.s3.object.key));
}

/** What the handler returned for an invocation. */
export function summary(report: InvocationReport | undefined): InvocationSummary {
  if (!report) throw new Error('no such invocation');
  return report.response as InvocationSummary;
}

/** Polls until `check` returns a value other than undefined/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
