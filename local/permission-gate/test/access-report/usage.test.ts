import { describe, expect, it } from 'vitest';
import { deriveAuthorizations } from '../../src/access-report/derive-actions.ts';
import { usageOf } from '../../src/access-report/usage.ts';
import { call, fixtureTrail, ledgerQueue, table, withAuthorizations } from './access-fixtures.ts';

const object = (key: string) => `arn:aws:s3:::keyless-files/${key}`;

describe('usageOf', () => {
  it('adds each allowed call to its role, action and resource, with the calls that used it', () => {
    const { allowed } = usageOf(fixtureTrail());
    const get = allowed.find((used) => used.role === 'api' && used.action === 'dynamodb:GetItem');
    expect(get).toMatchObject({
      roleArn: 'arn:aws:iam::123456789012:role/api',
      resource: table,
      count: 2,
      calls: { 'dynamodb:GetItem': 2 },
      source: 'derived',
    });
    expect(allowed.find((used) => used.action === 'dynamodb:PutItem')?.source).toBe('record');
  });

  it('maps an operation to the action it is authorized as: HeadObject is s3:GetObject, a batch its single form', () => {
    const { allowed } = usageOf(fixtureTrail());
    const processor = allowed.filter(
      (used) => used.role === 'upload-processor' && used.action === 's3:GetObject',
    );
    expect(processor.map((used) => [used.resource, used.calls])).toEqual([
      [object('incoming/u-1'), { 's3:HeadObject': 1 }],
      // The emulator answered NoSuchKey: the gate allowed it, so the permission was used.
      [object('incoming/u-2'), { 's3:GetObject': 1 }],
    ]);
    expect(
      allowed.find((used) => used.role === 'ledger-worker' && used.calls['sqs:DeleteMessageBatch']),
    ).toMatchObject({
      action: 'sqs:DeleteMessage',
      resource: ledgerQueue,
    });
  });

  it("prefers the record's own authorizations to a derivation", () => {
    const record = withAuthorizations(call('api', 's3', 'HeadObject', [object('reports/r')]), [
      { action: 's3:GetObjectVersion', resource: object('reports/r') },
    ]);
    expect(usageOf([record]).allowed.map((used) => [used.action, used.source])).toEqual([
      ['s3:GetObjectVersion', 'record'],
    ]);
  });

  it('reads the authorizations the gate writes through cloudTrailRecord', () => {
    const record = call('upload-processor', 's3', 'CopyObject', [object('reports/b'), object('incoming/a')], {
      authorizations: [
        { action: 's3:PutObject', resource: object('reports/b') },
        { action: 's3:GetObjectVersion', resource: object('incoming/a') },
      ],
    });
    expect(usageOf([record]).allowed.map((used) => `${used.action} ${used.resource} ${used.source}`)).toEqual(
      [`s3:PutObject ${object('reports/b')} record`, `s3:GetObjectVersion ${object('incoming/a')} record`],
    );
  });

  it('keeps refused calls apart, and skips calls not made by a role', () => {
    const { allowed, denied, skipped } = usageOf(fixtureTrail());
    expect(denied).toEqual([
      expect.objectContaining({
        role: 'api',
        call: 's3:GetObject',
        resources: [object('incoming/u-1')],
        errorCode: 'AccessDenied',
        session: 'api/api-1',
      }),
    ]);
    expect(allowed.some((used) => used.action === 's3:GetObject' && used.role === 'api')).toBe(false);
    expect(skipped).toBe(1);
  });
});

describe('deriveAuthorizations', () => {
  const derive = (operation: string, resources: string[], requestParameters: Record<string, unknown> = {}) =>
    deriveAuthorizations({
      eventSource: 's3.amazonaws.com',
      eventName: operation,
      requestParameters,
      resources: resources.map((ARN) => ({ ARN })),
    }).map(({ action, resource }) => `${action} ${resource}`);

  it('follows the S3 resolver: versions, copies, multipart uploads, listings', () => {
    expect(derive('GetObject', [object('a')], { versionId: 'v1' })).toEqual([
      `s3:GetObjectVersion ${object('a')}`,
    ]);
    expect(
      derive('CopyObject', [object('b'), object('a')], { 'x-amz-copy-source': 'keyless-files/a' }),
    ).toEqual([`s3:PutObject ${object('b')}`, `s3:GetObject ${object('a')}`]);
    expect(derive('CreateMultipartUpload', [object('a')])).toEqual([`s3:PutObject ${object('a')}`]);
    expect(derive('ListObjectsV2', ['arn:aws:s3:::keyless-files'])).toEqual([
      's3:ListBucket arn:aws:s3:::keyless-files',
    ]);
    expect(derive('ListBuckets', [])).toEqual(['s3:ListAllMyBuckets *']);
  });

  it('derives role chaining with tags as AssumeRole and TagSession, and GetCallerIdentity as nothing', () => {
    const role = 'arn:aws:iam::123456789012:role/cdk-hnb659fds-lookup-role-123456789012-eu-west-1';
    const sts = (eventName: string, resources: string[], requestParameters: Record<string, unknown> = {}) =>
      deriveAuthorizations({
        eventSource: 'sts.amazonaws.com',
        eventName,
        requestParameters,
        resources: resources.map((ARN) => ({ ARN })),
      }).map(({ action }) => action);
    expect(sts('AssumeRole', [role, role], { tags: [{ key: 'k', value: 'v' }] })).toEqual([
      'sts:AssumeRole',
      'sts:TagSession',
    ]);
    expect(sts('GetCallerIdentity', [])).toEqual([]);
  });
});
