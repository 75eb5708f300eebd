// A trail of the local system's roles, written with the gate's own record builder: the api, the
// upload-processor and the ledger-worker, some calls with the authorizations the gate writes into
// the record, some without (derived from the operation), some refused.
import {
  cloudTrailRecord,
  type CloudTrailRecord,
  type TrailCallInput,
} from '../../src/trail/cloudtrail-record.ts';
import type { TrailSession } from '../../src/trail/user-identity.ts';

export const account = '123456789012';
export const region = 'eu-west-1';

export const table = `arn:aws:dynamodb:${region}:${account}:table/uploads`;
export const ledgerQueue = `arn:aws:sqs:${region}:${account}:ledger-events`;
export const writerSecret = `arn:aws:secretsmanager:${region}:${account}:secret:ledger/writer-AbC123`;

export function sessionOf(role: string, sessionName: string): TrailSession {
  return {
    accessKeyId: `ASIA${role.toUpperCase().replace(/-/g, '')}`.padEnd(20, '0').slice(0, 20),
    kind: 'assumed-role',
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${sessionName}`,
    role: { arn: `arn:aws:iam::${account}:role/${role}`, name: role, sessionName },
    issuedAt: new Date('2026-03-01T09:00:00Z'),
  };
}

const rootSession: TrailSession = {
  accessKeyId: account,
  kind: 'root',
  accountId: account,
  arn: `arn:aws:iam::${account}:root`,
  issuedAt: new Date('2026-03-01T09:00:00Z'),
};

let minute = 0;

/** A call by `role`'s session, allowed unless an outcome is given. */
export function call(
  role: string,
  service: string,
  operation: string,
  resources: string[],
  extra: Partial<TrailCallInput> = {},
): CloudTrailRecord {
  minute++;
  return cloudTrailRecord({
    caller: { type: 'session', session: sessionOf(role, `${role}-1`) },
    service,
    operation,
    region,
    sourceIp: '127.0.0.1',
    resources,
    outcome: { result: 'allowed' },
    eventTime: new Date(Date.UTC(2026, 2, 1, 10, minute)),
    ...extra,
  });
}

/** The record with the authorizations the gate writes (`additionalEventData.authorizations`). */
export function withAuthorizations(
  record: CloudTrailRecord,
  authorizations: { action: string; resource: string }[],
): CloudTrailRecord {
  const additionalEventData = { ...record.additionalEventData, authorizations };
  return { ...record, additionalEventData };
}

export const denied = (errorMessage: string): Partial<TrailCallInput> => ({
  outcome: { result: 'denied', errorCode: 'AccessDenied', errorMessage },
  reason: `authorize: ${errorMessage}`,
});

/** The fixture trail, oldest first. */
export function fixtureTrail(): CloudTrailRecord[] {
  return [
    // api: the uploads table (GetItem, PutItem; never Query), a presigned upload.
    withAuthorizations(call('api', 'dynamodb', 'PutItem', [table]), [
      { action: 'dynamodb:PutItem', resource: table },
    ]),
    call('api', 'dynamodb', 'GetItem', [table]),
    call('api', 'dynamodb', 'GetItem', [table]),
    call('api', 's3', 'PutObject', ['arn:aws:s3:::keyless-files/incoming/u-1'], {
      requestParameters: { bucketName: 'keyless-files', key: 'incoming/u-1' },
    }),
    // Refused: the api reading incoming/.
    call('api', 's3', 'GetObject', ['arn:aws:s3:::keyless-files/incoming/u-1'], {
      ...denied('not authorized to perform: s3:GetObject'),
    }),
    // upload-processor: reads the upload (HeadObject and GetObject are s3:GetObject), records it,
    // publishes the ledger event; an emulator error still used the permission.
    call('upload-processor', 's3', 'HeadObject', ['arn:aws:s3:::keyless-files/incoming/u-1']),
    call('upload-processor', 's3', 'GetObject', ['arn:aws:s3:::keyless-files/incoming/u-2'], {
      outcome: { result: 'failed', errorCode: 'NoSuchKey' },
    }),
    call('upload-processor', 'dynamodb', 'UpdateItem', [table]),
    call('upload-processor', 'sqs', 'SendMessage', [ledgerQueue]),
    // ledger-worker: receives and deletes (a batch is s3:DeleteMessage), reads its secret.
    call('ledger-worker', 'sqs', 'ReceiveMessage', [ledgerQueue]),
    call('ledger-worker', 'sqs', 'DeleteMessageBatch', [ledgerQueue]),
    call('ledger-worker', 'secretsmanager', 'GetSecretValue', [writerSecret]),
    // Not a role's call: the emulator's administrator.
    cloudTrailRecord({
      caller: { type: 'session', session: rootSession },
      service: 's3',
      operation: 'CreateBucket',
      region,
      sourceIp: '127.0.0.1',
      resources: ['arn:aws:s3:::keyless-files'],
      outcome: { result: 'allowed' },
    }),
  ];
}
