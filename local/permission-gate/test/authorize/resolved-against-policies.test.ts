// The resolutions meet the policies of libs/iam-model (its README's statements, written out
// here) in @keyless/iam-policy's evaluator: what a role may do is allowed and its neighbours'
// resources are not, which is only true if actions, ARNs and condition keys are spelled right.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { evaluateIdentityPolicies, type PolicyDocument } from '@keyless/iam-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedRequest } from '../../src/authorize/types.ts';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, resolved } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

const api: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::keyless-files/reports/*' },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::keyless-files',
      Condition: { StringLike: { 's3:prefix': 'reports/*' } },
    },
  ],
};
const ledgerWorker: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
      ],
      Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:ledger-events`,
    },
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ledger/writer-??????`,
    },
  ],
};

function allowed(policy: PolicyDocument, result: ResolvedRequest): boolean {
  return result.authorizations.every(
    ({ action, resource, context }) =>
      evaluateIdentityPolicies([policy], { action, resource, context }).allowed,
  );
}

async function resolve(service: string, client: { send(command: never): Promise<unknown> }, command: object) {
  return resolved(service, await server.capture(() => sendCommand(client, command)));
}

describe('resolutions under the iam-model policies', () => {
  it('api: lists reports/ only, reads reports/ only', async () => {
    const s3 = new S3Client({ ...sdkConfig(server.endpoint), forcePathStyle: true });
    const list = (Prefix?: string) =>
      resolve('s3', s3, new ListObjectsV2Command({ Bucket: 'keyless-files', Prefix }));
    expect(allowed(api, await list('reports/2026/'))).toBe(true);
    expect(allowed(api, await list('incoming/'))).toBe(false);
    expect(allowed(api, await list(undefined))).toBe(false);
    const get = (Key: string) => resolve('s3', s3, new GetObjectCommand({ Bucket: 'keyless-files', Key }));
    expect(allowed(api, await get('reports/r.csv'))).toBe(true);
    expect(allowed(api, await get('incoming/u.bin'))).toBe(false);
  });

  it('ledger-worker: the writer secret by name (the `-??????` fallback), not the reader nor a look-alike', async () => {
    const secrets = new SecretsManagerClient(sdkConfig(server.endpoint));
    const get = (SecretId: string) =>
      resolve('secretsmanager', secrets, new GetSecretValueCommand({ SecretId }));
    expect(allowed(ledgerWorker, await get('ledger/writer'))).toBe(true);
    expect(
      allowed(
        ledgerWorker,
        await get(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ledger/writer-AbCdEf`),
      ),
    ).toBe(true);
    expect(allowed(ledgerWorker, await get('ledger/reader'))).toBe(false);
    expect(allowed(ledgerWorker, await get('ledger/writer-old'))).toBe(false);
  });

  it('ledger-worker: receives from ledger-events, not from its dead-letter queue', async () => {
    const sqs = new SQSClient(sdkConfig(server.endpoint));
    const receive = (name: string) =>
      resolve('sqs', sqs, new ReceiveMessageCommand({ QueueUrl: `http://localhost/${ACCOUNT}/${name}` }));
    expect(allowed(ledgerWorker, await receive('ledger-events'))).toBe(true);
    expect(allowed(ledgerWorker, await receive('ledger-events-dlq'))).toBe(false);
  });
});
