import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateRequest } from '../../src/gate-request.ts';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, permissions, refused, resolved } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
let sqs: SQSClient;
beforeAll(async () => {
  server = await startCaptureServer();
  sqs = new SQSClient(sdkConfig(server.endpoint));
});
afterAll(() => server.close());

const QUEUE_URL = `http://localhost:4566/${ACCOUNT}/ledger-events`;
const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:ledger-events`;
const send = async (command: object) =>
  resolved('sqs', await server.capture(() => sendCommand(sqs, command)));

describe('SQS over the JSON protocol (what SDK v3 sends)', () => {
  it.each([
    [
      'SendMessage',
      new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'm' }),
      'sqs:SendMessage',
      false,
    ],
    [
      'SendMessageBatch',
      new SendMessageBatchCommand({ QueueUrl: QUEUE_URL, Entries: [{ Id: '1', MessageBody: 'm' }] }),
      'sqs:SendMessage',
      false,
    ],
    ['ReceiveMessage', new ReceiveMessageCommand({ QueueUrl: QUEUE_URL }), 'sqs:ReceiveMessage', true],
    [
      'DeleteMessage',
      new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: 'r' }),
      'sqs:DeleteMessage',
      false,
    ],
    [
      'DeleteMessageBatch',
      new DeleteMessageBatchCommand({ QueueUrl: QUEUE_URL, Entries: [{ Id: '1', ReceiptHandle: 'r' }] }),
      'sqs:DeleteMessage',
      false,
    ],
    [
      'ChangeMessageVisibility',
      new ChangeMessageVisibilityCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: 'r', VisibilityTimeout: 0 }),
      'sqs:ChangeMessageVisibility',
      false,
    ],
    [
      'ChangeMessageVisibilityBatch',
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: QUEUE_URL,
        Entries: [{ Id: '1', ReceiptHandle: 'r', VisibilityTimeout: 0 }],
      }),
      'sqs:ChangeMessageVisibility',
      false,
    ],
    [
      'GetQueueAttributes',
      new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL, AttributeNames: ['All'] }),
      'sqs:GetQueueAttributes',
      true,
    ],
    ['PurgeQueue', new PurgeQueueCommand({ QueueUrl: QUEUE_URL }), 'sqs:PurgeQueue', false],
  ] as const)('%s is %s on the queue the QueueUrl names', async (operation, command, action, readOnly) => {
    const result = await send(command);
    expect(result.operation).toBe(operation);
    expect(result.protocol).toBe('sqs-json');
    expect(result.eventSource).toBe('sqs.amazonaws.com');
    expect(result.readOnly).toBe(readOnly);
    expect(permissions(result)).toEqual([[action, QUEUE_ARN]]);
  });

  it('GetQueueUrl is authorized on the named queue, in the owner account when given', async () => {
    const own = await send(new GetQueueUrlCommand({ QueueName: 'ledger-events' }));
    expect(permissions(own)).toEqual([['sqs:GetQueueUrl', QUEUE_ARN]]);
    const other = await send(
      new GetQueueUrlCommand({ QueueName: 'q', QueueOwnerAWSAccountId: '444455556666' }),
    );
    expect(permissions(other)).toEqual([['sqs:GetQueueUrl', 'arn:aws:sqs:eu-west-1:444455556666:q']]);
  });

  it("another account's queue URL is authorized on that account's queue ARN", async () => {
    const result = await send(
      new SendMessageCommand({ QueueUrl: 'http://h/444455556666/theirs', MessageBody: 'm' }),
    );
    expect(permissions(result)).toEqual([['sqs:SendMessage', 'arn:aws:sqs:eu-west-1:444455556666:theirs']]);
  });

  it('ListQueues is on *', async () => {
    expect(permissions(await send(new ListQueuesCommand({})))).toEqual([['sqs:ListQueues', '*']]);
  });

  it('the trail gets sizes, never message bodies or attribute values', async () => {
    const result = await send(
      new SendMessageBatchCommand({
        QueueUrl: QUEUE_URL,
        Entries: [
          {
            Id: 'a',
            MessageBody: 'card 4111-1111',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'confidential' } },
          },
        ],
      }),
    );
    const text = JSON.stringify(result.requestParameters);
    expect(text).not.toContain('4111');
    expect(text).not.toContain('confidential');
    expect(result.requestParameters).toEqual({
      queueUrl: QUEUE_URL,
      entries: [{ id: 'a', messageBodyBytes: 14, messageAttributes: ['kind'] }],
    });
  });

  it('an operation the gate does not map (TagQueue) is refused as AccessDenied naming it', async () => {
    const failure = refused(
      'sqs',
      await server.capture(() => sqs.send(new TagQueueCommand({ QueueUrl: QUEUE_URL, Tags: { a: 'b' } }))),
    );
    expect(failure.error).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(failure.error.message).toContain('TagQueue');
    expect(failure.protocol).toBe('sqs-json');
  });
});

describe('SQS over the legacy query protocol', () => {
  const form = (fields: Record<string, string>, path = '/'): GateRequest => ({
    method: 'POST',
    path,
    query: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams(fields).toString()),
    sourceIp: '127.0.0.1',
    secureTransport: false,
  });

  it('Action=SendMessage with a QueueUrl is sqs:SendMessage on that queue, body left out of the trail', () => {
    const result = resolved(
      'sqs',
      form({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: QUEUE_URL, MessageBody: 'secret' }),
    );
    expect(result.protocol).toBe('query');
    expect(result.operation).toBe('SendMessage');
    expect(permissions(result)).toEqual([['sqs:SendMessage', QUEUE_ARN]]);
    expect(result.requestParameters).toEqual({ queueUrl: QUEUE_URL, messageBodyBytes: 6 });
  });

  it('the queue may be the request path, as old clients address it', () => {
    const result = resolved(
      'sqs',
      form(
        { Action: 'DeleteMessageBatch', 'DeleteMessageBatchRequestEntry.1.Id': '1' },
        `/${ACCOUNT}/ledger-events`,
      ),
    );
    expect(permissions(result)).toEqual([['sqs:DeleteMessage', QUEUE_ARN]]);
  });

  it('an unknown Action is refused in the query protocol', () => {
    const failure = refused('sqs', form({ Action: 'AddPermission', QueueUrl: QUEUE_URL }));
    expect(failure.protocol).toBe('query');
    expect(failure.error.message).toContain('AddPermission');
  });

  it('a request with no QueueUrl is refused as a bad parameter', () => {
    const failure = refused('sqs', form({ Action: 'SendMessage', MessageBody: 'x' }));
    expect(failure.error).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
  });
});
