// Sessions and calls the trail tests share: the api's role session, the emulator's root key, and
// records of the calls the local system makes.
import { madeUpSecret, madeUpSessionKeyId } from '../support/fake-credentials.ts';
import {
  cloudTrailRecord,
  type CloudTrailRecord,
  type TrailCallInput,
} from '../../src/trail/cloudtrail-record.ts';
import type { TrailSession } from '../../src/trail/user-identity.ts';

export const account = '000000000000';

/** The deploy session's key id, which a trail record keeps (its secret and token it drops). */
export const deploySessionKeyId = madeUpSessionKeyId();

export const apiSession: TrailSession = {
  accessKeyId: madeUpSessionKeyId(),
  kind: 'assumed-role',
  accountId: account,
  arn: `arn:aws:sts::${account}:assumed-role/keyless-api/api-task-1`,
  role: { arn: `arn:aws:iam::${account}:role/keyless-api`, name: 'keyless-api', sessionName: 'api-task-1' },
  issuedAt: new Date('2026-03-01T09:59:00.250Z'),
};

export const workerSession: TrailSession = {
  accessKeyId: madeUpSessionKeyId(),
  kind: 'assumed-role',
  accountId: account,
  arn: `arn:aws:sts::${account}:assumed-role/keyless-worker/worker-1`,
  role: {
    arn: `arn:aws:iam::${account}:role/keyless-worker`,
    name: 'keyless-worker',
    sessionName: 'worker-1',
  },
  issuedAt: new Date('2026-03-01T09:58:00Z'),
};

export const rootSession: TrailSession = {
  accessKeyId: account,
  kind: 'root',
  accountId: account,
  arn: `arn:aws:iam::${account}:root`,
  issuedAt: new Date('2026-03-01T09:00:00Z'),
};

export const queueUrl = `http://localhost:4566/${account}/uploads`;

const base = { region: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 'aws-sdk-js/3.1169.0' };

export const s3GetObjectAllowed: TrailCallInput = {
  ...base,
  caller: { type: 'session', session: apiSession },
  service: 's3',
  operation: 'GetObject',
  requestParameters: { bucketName: 'keyless-files', key: 'uploads/a.txt', Host: 'localhost' },
  resources: ['arn:aws:s3:::keyless-files/uploads/a.txt'],
  outcome: { result: 'allowed' },
  requestId: 'EMULATOR-REQUEST-1',
  eventTime: new Date('2026-03-01T10:00:00.789Z'),
};

export const sqsDeleteMessageDenied: TrailCallInput = {
  ...base,
  caller: { type: 'session', session: apiSession },
  service: 'sqs',
  operation: 'DeleteMessage',
  requestParameters: { queueUrl, receiptHandle: 'AQEB-handle' },
  outcome: {
    result: 'denied',
    errorCode: 'AccessDenied',
    errorMessage: `User: ${apiSession.arn} is not authorized to perform: sqs:DeleteMessage on resource: arn:aws:sqs:us-east-1:${account}:uploads because no identity-based policy allows the sqs:DeleteMessage action`,
  },
  reason: 'no identity-based policy allows the action',
  eventTime: new Date('2026-03-01T10:05:00Z'),
};

export const webIdentityAssumeRole: TrailCallInput = {
  ...base,
  caller: {
    type: 'web-identity',
    issuer: 'https://token.actions.githubusercontent.com',
    audience: 'sts.amazonaws.com',
    subject: 'repo:keyless/keyless:ref:refs/heads/main',
  },
  service: 'sts',
  operation: 'AssumeRoleWithWebIdentity',
  requestParameters: {
    roleArn: `arn:aws:iam::${account}:role/keyless-deploy`,
    roleSessionName: 'gh-run-7',
    webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.secret.signature',
    durationSeconds: 3600,
  },
  outcome: {
    result: 'allowed',
    // As the SDK hands it back: PascalCase, with the secrets in it.
    responseElements: {
      Credentials: {
        AccessKeyId: deploySessionKeyId,
        SecretAccessKey: madeUpSecret(),
        SessionToken: 'FwoGZXIvYXdzSESSIONTOKEN',
        Expiration: new Date('2026-03-01T11:00:00Z'),
      },
      AssumedRoleUser: {
        AssumedRoleId: 'AROADEPLOY:gh-run-7',
        Arn: `arn:aws:sts::${account}:assumed-role/keyless-deploy/gh-run-7`,
      },
      SubjectFromWebIdentityToken: 'repo:keyless/keyless:ref:refs/heads/main',
      Provider: 'token.actions.githubusercontent.com',
      Audience: 'sts.amazonaws.com',
    },
  },
  eventTime: new Date('2026-03-01T10:10:00Z'),
};

export const s3GetObjectUpstreamFailure: TrailCallInput = {
  ...s3GetObjectAllowed,
  requestParameters: { bucketName: 'keyless-files', key: 'uploads/missing.txt' },
  resources: ['arn:aws:s3:::keyless-files/uploads/missing.txt'],
  outcome: { result: 'failed', errorCode: 'NoSuchKey', errorMessage: 'The specified key does not exist.' },
  eventTime: new Date('2026-03-01T10:15:00Z'),
};

export const workerReceiveMessage: TrailCallInput = {
  ...base,
  caller: { type: 'session', session: workerSession },
  service: 'sqs',
  operation: 'ReceiveMessage',
  requestParameters: { queueUrl, maxNumberOfMessages: 10 },
  outcome: { result: 'allowed' },
  eventTime: new Date('2026-03-01T10:20:00Z'),
};

export const workerPutItemDenied: TrailCallInput = {
  ...base,
  caller: { type: 'session', session: workerSession },
  service: 'dynamodb',
  operation: 'PutItem',
  requestParameters: { tableName: 'ledger-events', item: { pk: { S: 'secret-ish' } } },
  outcome: { result: 'denied', errorCode: 'AccessDeniedException', errorMessage: 'not authorized' },
  eventTime: new Date('2026-03-01T10:25:00Z'),
};

/** The fixture trail, oldest first. */
export function fixtureRecords(): CloudTrailRecord[] {
  return [
    s3GetObjectAllowed,
    sqsDeleteMessageDenied,
    webIdentityAssumeRole,
    s3GetObjectUpstreamFailure,
    workerReceiveMessage,
    workerPutItemDenied,
  ].map(cloudTrailRecord);
}
