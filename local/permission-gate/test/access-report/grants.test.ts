import type { IamModel } from '@keyless/iam-model';
import { describe, expect, it } from 'vitest';
import { expandAction, GrantError, grantsOf } from '../../src/access-report/grants.ts';
import { localIamModel } from '../../src/access-report/local-model.ts';
import { account, region, table } from './access-fixtures.ts';

const modelWith = (statements: IamModel['roles'][number]['policies'][string]['Statement']) =>
  ({
    roles: [{ name: 'reader', policies: { permissions: { Version: '2012-10-17', Statement: statements } } }],
  }) as unknown as Pick<IamModel, 'roles'>;

describe('grantsOf', () => {
  it('lists every Allow of the model as role, Sid, action and resource pattern', async () => {
    const grants = await grantsOf(localIamModel({ accountId: account, region }));
    const api = grants.filter((grant) => grant.role === 'api');
    expect(api.map((grant) => `${grant.sid} ${grant.action} ${grant.resource}`)).toEqual([
      `UploadsTable dynamodb:GetItem ${table}`,
      `UploadsTable dynamodb:PutItem ${table}`,
      `UploadsTable dynamodb:Query ${table}`,
      'PresignUploads s3:PutObject arn:aws:s3:::keyless-files/incoming/*',
      'PresignReportDownloads s3:GetObject arn:aws:s3:::keyless-files/reports/*',
      'FindLatestReport s3:ListBucket arn:aws:s3:::keyless-files',
    ]);
    expect(api.find((grant) => grant.sid === 'FindLatestReport')?.conditional).toBe(true);
    expect(api.every((grant) => grant.policy === 'permissions')).toBe(true);
    // Every role, one grant per resource of a statement (the log group bare and with :*).
    expect(new Set(grants.map((grant) => grant.role))).toEqual(
      new Set([
        'api',
        'upload-processor',
        'ledger-worker',
        'usage-reporter',
        'deploy',
        'diff',
        'developer',
        'operator',
      ]),
    );
    expect(
      grants.filter((grant) => grant.role === 'upload-processor' && grant.sid === 'OwnLogGroup'),
    ).toHaveLength(4);
  });

  it('leaves Deny statements out: they grant nothing', async () => {
    const grants = await grantsOf(localIamModel({ accountId: account, region }));
    expect(grants.some((grant) => grant.sid === 'NeverWriteIncoming')).toBe(false);
  });

  it('expands a wildcard action to the actions the IAM catalogue lists for it', async () => {
    const grants = await grantsOf(
      modelWith([{ Sid: 'Reads', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' }]),
    );
    const actions = grants.map((grant) => grant.action);
    expect(actions).toContain('s3:GetObject');
    expect(actions).toContain('s3:GetObjectVersion');
    expect(actions).not.toContain('s3:PutObject');
    expect(actions.every((action) => action.startsWith('s3:Get'))).toBe(true);
    expect(actions.length).toBeGreaterThan(20);
    expect(grants.every((grant) => grant.grantedAs === 's3:Get*')).toBe(true);
  });

  it('spells actions as the catalogue does, and expands ? too', async () => {
    expect(await expandAction('s3:getobject')).toEqual(['s3:GetObject']);
    expect(await expandAction('sqs:?eleteMessage')).toEqual(['sqs:DeleteMessage']);
    expect(await expandAction('ecs:UpdateService')).toEqual(['ecs:UpdateService']);
  });

  it('refuses an action the catalogue does not have, and NotAction / NotResource', async () => {
    await expect(
      grantsOf(
        modelWith([{ Sid: 'Typo', Effect: 'Allow', Action: 's3:GetObjekt', Resource: 'arn:aws:s3:::b/*' }]),
      ),
    ).rejects.toThrow(GrantError);
    await expect(
      grantsOf(
        modelWith([{ Sid: 'Broad', Effect: 'Allow', NotAction: 's3:PutObject', Resource: 'arn:aws:s3:::b' }]),
      ),
    ).rejects.toThrow(/NotAction or NotResource/);
  });
});
