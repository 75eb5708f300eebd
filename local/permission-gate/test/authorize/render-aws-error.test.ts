// Each rendering is proved with the real SDK client: a capture server answers with it and the
// client must throw an exception named by our code, carrying our message and status.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessDenied, invalidParameter } from '../../src/authorize/aws-errors.ts';
import { renderAwsError } from '../../src/authorize/render-aws-error.ts';
import { resolveRequest } from '../../src/authorize/resolve-request.ts';
import type { AwsError } from '../../src/gate-request.ts';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, REGION } from './support/resolve.ts';
import { sdkConfig } from './support/sdk-config.ts';

const REQUEST_ID = 'c0ffee00-1111-2222-3333-444455556666';
/** What the next request is answered with; the protocol comes from resolving the request itself. */
let answer: AwsError;
let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer((request) => {
    const service =
      /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const resolved = resolveRequest(request, { service, region: REGION, accountId: ACCOUNT });
    return renderAwsError(resolved.protocol, service, answer, REQUEST_ID);
  });
});
afterAll(() => server.close());

async function thrownBy(
  send: () => Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await send();
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('the SDK did not throw');
}

const MESSAGE =
  'User: arn:aws:sts::111122223333:assumed-role/api/s is not authorized to perform: x on "y" & <z>';

describe('renderAwsError, read back by the real SDK clients', () => {
  it('S3 (REST-XML): AccessDenied, 403, the message (XML-escaped on the wire, unescaped by the SDK)', async () => {
    answer = accessDenied('s3', MESSAGE);
    const s3 = new S3Client({ ...sdkConfig(server.endpoint), forcePathStyle: true });
    const error = await thrownBy(() => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(MESSAGE);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.$metadata.requestId).toBe(REQUEST_ID);
  });

  it('S3 HEAD: no body reaches the SDK (HTTP forbids one), so it cannot name the error, as with AWS; the status stays', async () => {
    answer = accessDenied('s3', MESSAGE);
    const s3 = new S3Client({ ...sdkConfig(server.endpoint), forcePathStyle: true });
    const error = await thrownBy(() => s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(error.name).toBe('Unknown');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('SQS (JSON with x-amzn-query-error): AccessDenied, 403', async () => {
    answer = accessDenied('sqs', MESSAGE);
    const sqs = new SQSClient(sdkConfig(server.endpoint));
    const error = await thrownBy(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: `http://h/${ACCOUNT}/q`, MessageBody: 'm' })),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(MESSAGE);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect((error as unknown as { Type?: string }).Type).toBe('Sender');
  });

  it('SQS: a query-protocol code is mapped to its modeled exception, as with AWS (the header carries it)', async () => {
    answer = { status: 400, code: 'AWS.SimpleQueueService.NonExistentQueue', message: 'no such queue' };
    const sqs = new SQSClient(sdkConfig(server.endpoint));
    const error = await thrownBy(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: `http://h/${ACCOUNT}/q`, MessageBody: 'm' })),
    );
    expect(error.name).toBe('QueueDoesNotExist');
    expect(error.message).toBe('no such queue');
  });

  it('DynamoDB (JSON 1.0): AccessDeniedException and ValidationException, 400', async () => {
    const dynamodb = new DynamoDBClient(sdkConfig(server.endpoint));
    answer = accessDenied('dynamodb', MESSAGE);
    const denied = await thrownBy(() =>
      dynamodb.send(new GetItemCommand({ TableName: 't', Key: { k: { S: 'v' } } })),
    );
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(MESSAGE);
    expect(denied.$metadata.httpStatusCode).toBe(400);
    expect(denied.$metadata.requestId).toBe(REQUEST_ID);
    answer = invalidParameter('dynamodb', 'bad key');
    const invalid = await thrownBy(() =>
      dynamodb.send(new GetItemCommand({ TableName: 't', Key: { k: { S: 'v' } } })),
    );
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toBe('bad key');
  });

  it('Secrets Manager (JSON 1.1): AccessDeniedException, 400', async () => {
    answer = accessDenied('secretsmanager', MESSAGE);
    const secrets = new SecretsManagerClient(sdkConfig(server.endpoint));
    const error = await thrownBy(() =>
      secrets.send(new GetSecretValueCommand({ SecretId: 'ledger/writer' })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(MESSAGE);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('STS (query): AccessDenied, 403', async () => {
    answer = accessDenied('sts', MESSAGE);
    const sts = new STSClient(sdkConfig(server.endpoint));
    const error = await thrownBy(() => sts.send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(MESSAGE);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.$metadata.requestId).toBe(REQUEST_ID);
  });
});

describe('renderAwsError, the wire format', () => {
  const error = { status: 403, code: 'AccessDenied', message: 'a <b> & "c"' };

  it('query protocol: ErrorResponse with Type Sender (Receiver for 5xx) and the RequestId', () => {
    const rendered = renderAwsError('query', 'sts', error, REQUEST_ID);
    expect(rendered.body).toBe(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>AccessDenied</Code><Message>a &lt;b&gt; &amp; &quot;c&quot;</Message></Error>' +
        `<RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
    );
    expect(renderAwsError('query', 'sts', { ...error, status: 503 }, REQUEST_ID).body).toContain(
      '<Type>Receiver</Type>',
    );
  });

  it('JSON: __type and message, x-amzn-ErrorType and x-amzn-RequestId; SQS adds x-amzn-query-error', () => {
    const json = renderAwsError('json-1.1', 'secretsmanager', error, REQUEST_ID);
    expect(JSON.parse(json.body)).toEqual({ __type: 'AccessDenied', message: 'a <b> & "c"' });
    expect(json.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-ErrorType': 'AccessDenied',
      'x-amzn-RequestId': REQUEST_ID,
    });
    expect(json.headers['x-amzn-query-error']).toBeUndefined();
    expect(renderAwsError('sqs-json', 'sqs', error, REQUEST_ID).headers['x-amzn-query-error']).toBe(
      'AccessDenied;Sender',
    );
  });
});
