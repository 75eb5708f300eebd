import { buildIamModel, defaultResourceNames, resourceArns, type IamModelParams } from '@keyless/iam-model';
import { evaluateIdentityPolicies } from '@keyless/iam-policy';
import { describe, expect, test } from 'vitest';

// The model the CDK app deploys and the local bootstrap creates: the function's permissions are
// exactly its execution role's inline policies.
const params: IamModelParams = {
  partition: 'aws',
  accountId: '123456789012',
  region: 'eu-west-1',
  names: defaultResourceNames,
  eksOidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE',
  githubOidcIssuer: 'token.actions.githubusercontent.com',
  github: { owner: 'keyless-example', repo: 'keyless' },
  lambdaFunctionName: 'upload-processor',
  eksClusterName: 'keyless',
};
const role = buildIamModel(params).roles.find((r) => r.name === 'upload-processor');
const policies = role?.policies ?? {};
const arn = resourceArns(params);
const object = (key: string) => `arn:aws:s3:::${defaultResourceNames.bucket}/${key}`;
const may = (action: string, resource: string) => evaluateIdentityPolicies(policies, { action, resource });

describe('the upload-processor execution role', () => {
  test('cannot write incoming/: an explicit Deny, so it can never trigger itself', () => {
    // Multipart uploads and copies into incoming/ are authorized as s3:PutObject too.
    const result = may('s3:PutObject', object('incoming/sub-1/up-1/red flower.jpg'));
    expect(result).toMatchObject({
      allowed: false,
      decision: 'explicit-deny',
      statement: 'NeverWriteIncoming',
    });
  });

  test('the Deny outweighs an Allow added later, such as s3:PutObject on the whole bucket', () => {
    const widened = {
      ...policies,
      derivedFiles: {
        Version: '2012-10-17' as const,
        Statement: [{ Effect: 'Allow' as const, Action: 's3:PutObject', Resource: `${arn.bucket}/*` }],
      },
    };
    const incoming = evaluateIdentityPolicies(widened, {
      action: 's3:PutObject',
      resource: object('incoming/x/y/z'),
    });
    expect(incoming).toMatchObject({ allowed: false, decision: 'explicit-deny' });
    expect(
      evaluateIdentityPolicies(widened, { action: 's3:PutObject', resource: object('derived/z') }),
    ).toMatchObject({
      allowed: true,
    });
  });

  test.each([
    ['s3:PutObject', object('reports/2026/usage.json')],
    ['s3:DeleteObject', object('incoming/sub-1/up-1/a.txt')],
    ['s3:GetObject', object('reports/2026/usage.json')],
    ['dynamodb:PutItem', arn.uploadsTable],
    ['dynamodb:DeleteItem', arn.uploadsTable],
    ['sqs:SendMessage', `${arn.ledgerEventsQueue}-dlq`],
  ])('may not %s on %s', (action, resource) => {
    expect(may(action, resource).allowed).toBe(false);
  });

  test.each([
    ['s3:GetObject', object('incoming/sub-1/up-1/a.txt')],
    ['s3:GetObjectVersion', object('incoming/sub-1/up-1/a.txt')],
    ['dynamodb:GetItem', arn.uploadsTable],
    ['dynamodb:UpdateItem', arn.uploadsTable],
    ['sqs:SendMessage', arn.ledgerEventsQueue],
    ['sqs:SendMessage', arn.uploadFailuresQueue],
  ])('may %s on %s: what the handler and its failure destination need', (action, resource) => {
    expect(may(action, resource)).toMatchObject({ allowed: true, decision: 'allow' });
  });
});
