import { Writable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { adminClients } from '@keyless/emulator-admin';
import type { Capability } from '@keyless/testing/emulator-suite';
import { createDecisionLog, startStsFront } from '@keyless/identity-plane';
import { createLogger } from '@keyless/logging';
import { startTestPlatform } from '@keyless/testing';
import {
  startLocalLambda,
  type DestinationRecord,
  type InvocationReport,
  type LocalLambdaOptions,
} from '../../src/index.ts';

/** What the fixture uses of the emulator: a function's roles, its bucket's notifications to a queue, STS sessions. */
export const runtimeNeeds: readonly Capability[] = ['s3', 's3-event-notifications', 'sqs', 'iam', 'sts'];

export const fixtureCode = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

/** An emulator, the STS front, and the roles, bucket and queues a function runtime needs. */
export async function startRuntimeFixture() {
  const platform = await startTestPlatform();
  const { region, awsEndpoint } = platform;
  const admin = adminClients({ endpoint: awsEndpoint, region });
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const sts = await startStsFront({
    emulator: { endpoint: awsEndpoint, region },
    decisions: createDecisionLog({ destination }),
  });
  const logger = createLogger({ service: 'local-lambda', level: 'info', destination });

  const role = async (name: string, service: string) => {
    const { Role } = await admin.iam.send(
      new CreateRoleCommand({
        RoleName: platform.uniqueName(name),
        AssumeRolePolicyDocument: trust(service),
      }),
    );
    return Role?.Arn ?? '';
  };
  const executionRole = await role('fn-role', 'lambda.amazonaws.com');
  const ecsRole = await role('task-role', 'ecs-tasks.amazonaws.com');
  const { QueueUrl: failureQueueUrl = '' } = await admin.sqs.send(
    new CreateQueueCommand({ QueueName: platform.uniqueName('fn-failures') }),
  );
  let buckets = 0;

  return {
    admin,
    lines,
    executionRole,
    ecsRole,
    failureQueueUrl,

    async newBucket() {
      buckets += 1;
      const bucket = platform.uniqueName(`fn-bucket-${buckets}`);
      await admin.s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: region as never },
        }),
      );
      return bucket;
    },

    /** A runtime for `code`, triggered by `bucket` under incoming/, reporting into `reports`. */
    async startFunction(
      bucket: string,
      code: string,
      overrides: Partial<LocalLambdaOptions['function']> = {},
    ) {
      const reports: InvocationReport[] = [];
      const output: string[] = [];
      const lambda = await startLocalLambda({
        function: {
          functionName: `fn-${bucket}`.slice(0, 64),
          codeDirectory: fixtureCode(code),
          handler: 'index.handler',
          roleArn: executionRole,
          region,
          memorySizeMb: 256,
          timeoutSeconds: 2,
          environment: { GREETING: 'hello' },
          ...overrides,
        },
        trigger: { bucket, prefix: 'incoming/' },
        failureDestination: { queueUrl: failureQueueUrl },
        emulator: { endpoint: awsEndpoint, region },
        issuer: sts.issueServiceCredentials,
        logger,
        eventQueueName: `${bucket}-events`,
        retryDelaysSeconds: [0.1, 0.1],
        output: (line) => output.push(line),
        onInvocation: (report) => reports.push(report),
      });
      return { lambda, reports, output };
    },

    async put(bucket: string, key: string, body = 'x') {
      await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
    },

    /** Failure-destination records received so far (each message is read once and deleted). */
    async failureRecords(into: DestinationRecord[]) {
      const { Messages = [] } = await admin.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: failureQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const message of Messages) {
        into.push(JSON.parse(message.Body ?? '') as DestinationRecord);
        await admin.sqs.send(
          new DeleteMessageCommand({ QueueUrl: failureQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
      return into;
    },

    async stop() {
      await sts.close();
      await platform.stop();
    },
  };
}

export type RuntimeFixture = Awaited<ReturnType<typeof startRuntimeFixture>>;

/** Polls until `check` returns something other than undefined/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const keyOf = (report: InvocationReport) =>
  decodeURIComponent(
    (
      (report.event as { Records?: { s3: { object: { key: string } } }[] }).Records?.[0]?.s3.object.key ?? ''
    ).replaceAll('+', ' '),
  );
