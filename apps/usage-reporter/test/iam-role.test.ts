// The usage-reporter role as the shared IAM model defines it (what the CDK app deploys and the
// local STS front enforces), evaluated with the project's policy evaluator.
import {
  buildIamModel,
  defaultResourceNames,
  oidcProviderArn,
  podIdentitySessionTags,
  resourceArns,
} from '@keyless/iam-model';
import { REPORT_POINTER_KEY, reportKey } from '@keyless/contracts';
import type { IamModelParams, RoleDefinition } from '@keyless/iam-model';
import { evaluateIdentityPolicies, evaluateTrustPolicy } from '@keyless/iam-policy';
import { describe, expect, test } from 'vitest';

const eksIssuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const params: IamModelParams = {
  partition: 'aws',
  accountId: '123456789012',
  region: 'eu-west-1',
  names: defaultResourceNames,
  eksOidcIssuer: eksIssuer,
  githubOidcIssuer: 'token.actions.githubusercontent.com',
  github: { owner: 'keyless-example', repo: 'keyless' },
  lambdaFunctionName: 'upload-processor',
  eksClusterName: 'keyless',
};
const role = buildIamModel(params).roles.find((r) => r.name === 'usage-reporter') as RoleDefinition;
const arn = resourceArns(params);
const provider = oidcProviderArn(params, eksIssuer);
const bucketArn = `arn:aws:s3:::${defaultResourceNames.bucket}`;
const readerSecretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ledger/reader-AbC123';
const dbUser = (user: string, proxy = defaultResourceNames.ledgerProxyResourceId) =>
  `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${proxy}/${user}`;

describe('trust policy: IRSA', () => {
  const webIdentity = (sub: string, aud: string, federated = provider) =>
    evaluateTrustPolicy(role.assumeRolePolicy, {
      principal: { type: 'Federated', id: federated },
      action: 'sts:AssumeRoleWithWebIdentity',
      context: { [`${eksIssuer}:sub`]: sub, [`${eksIssuer}:aud`]: aud },
    });

  test('pins sub to the keyless/usage-reporter service account and aud to sts.amazonaws.com, by StringEquals', () => {
    const irsa = role.assumeRolePolicy.Statement.find((s) => s.Action === 'sts:AssumeRoleWithWebIdentity');
    expect(irsa).toEqual({
      Sid: 'IrsaServiceAccount',
      Effect: 'Allow',
      Principal: { Federated: provider },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${eksIssuer}:sub`]: 'system:serviceaccount:keyless:usage-reporter',
          [`${eksIssuer}:aud`]: 'sts.amazonaws.com',
        },
      },
    });
  });

  test('allows the usage-reporter service account', () => {
    expect(webIdentity('system:serviceaccount:keyless:usage-reporter', 'sts.amazonaws.com').allowed).toBe(
      true,
    );
  });

  test.each([
    ['another service account in the namespace', 'system:serviceaccount:keyless:api', 'sts.amazonaws.com'],
    [
      'the same name in another namespace',
      'system:serviceaccount:default:usage-reporter',
      'sts.amazonaws.com',
    ],
    ['a wildcard-looking subject', 'system:serviceaccount:keyless:*', 'sts.amazonaws.com'],
    ['another audience', 'system:serviceaccount:keyless:usage-reporter', 'pods.eks.amazonaws.com'],
  ])('denies %s', (_case, sub, aud) => {
    const result = webIdentity(sub, aud);
    expect(result.allowed).toBe(false);
    expect(result.reason).toMatch(/StringEquals/);
  });

  test('denies a token from another OIDC provider, whatever its claims', () => {
    const github = oidcProviderArn(params, 'token.actions.githubusercontent.com');
    expect(
      webIdentity('system:serviceaccount:keyless:usage-reporter', 'sts.amazonaws.com', github).allowed,
    ).toBe(false);
  });
});

describe('trust policy: EKS Pod Identity', () => {
  const tags = podIdentitySessionTags(params);
  const podIdentity = (overrides: Record<string, string>) => {
    const requestTags = { ...tags, ...overrides };
    return ['sts:AssumeRole', 'sts:TagSession'].map(
      (action) =>
        evaluateTrustPolicy(role.assumeRolePolicy, {
          principal: { type: 'Service', id: 'pods.eks.amazonaws.com' },
          action: action as 'sts:AssumeRole' | 'sts:TagSession',
          context: {
            ...Object.fromEntries(
              Object.entries(requestTags).map(([key, value]) => [`aws:RequestTag/${key}`, value]),
            ),
            'aws:TagKeys': Object.keys(requestTags),
          },
        }).allowed,
    );
  };

  test("allows the agent for this cluster's keyless/usage-reporter pods", () => {
    expect(podIdentity({})).toEqual([true, true]);
  });

  test.each([
    ['kubernetes-namespace', 'default'],
    ['kubernetes-service-account', 'api'],
    ['eks-cluster-arn', 'arn:aws:eks:eu-west-1:123456789012:cluster/other'],
  ])('denies a session tagged %s=%s', (tag, value) => {
    expect(podIdentity({ [tag]: value })).toEqual([false, false]);
  });
});

describe('permissions: s3:PutObject/GetObject on reports/* and secretsmanager:GetSecretValue on ledger/reader, nothing else', () => {
  const can = (action: string, resource: string) =>
    evaluateIdentityPolicies(role.policies, { action, resource }).allowed;

  test('the statements are exactly those', () => {
    const grants = Object.values(role.policies).flatMap((policy) =>
      policy.Statement.map(({ Effect, Action, Resource, Condition }) => ({
        Effect,
        Action,
        Resource,
        Condition,
      })),
    );
    expect(grants).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: arn.reportObjects,
        Condition: undefined,
      },
      {
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: arn.readerDbUser,
        Condition: undefined,
      },
    ]);
    expect(arn.readerDbUser).toBe(dbUser('ledger_reader'));
  });

  test('every call a run makes is allowed (GetCallerIdentity needs no permission)', () => {
    const key = reportKey(new Date('2026-07-14T00:00:00Z'), 'abcd1234');
    expect(can('rds-db:connect', dbUser('ledger_reader'))).toBe(true);
    expect(can('s3:PutObject', `${bucketArn}/${key}`)).toBe(true);
    // The pointer: create-only and If-Match writes are s3:PutObject, the read is s3:GetObject.
    expect(can('s3:PutObject', `${bucketArn}/${REPORT_POINTER_KEY}`)).toBe(true);
    expect(can('s3:GetObject', `${bucketArn}/${REPORT_POINTER_KEY}`)).toBe(true);
  });

  test.each([
    ['s3:PutObject', `${bucketArn}/incoming/user/upload.bin`],
    ['s3:GetObject', `${bucketArn}/incoming/user/upload.bin`],
    ['s3:DeleteObject', `${bucketArn}/${REPORT_POINTER_KEY}`],
    ['s3:PutObjectAcl', `${bucketArn}/reports/2026/07/14/report.json`],
    ['s3:ListBucket', bucketArn],
    ['s3:PutObject', 'arn:aws:s3:::another-bucket/reports/x.json'],
    [
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ledger/writer-AbC123',
    ],
    // No stored password to read: the ledger is reached with an IAM token, as ledger_reader only.
    ['secretsmanager:GetSecretValue', readerSecretArn],
    ['secretsmanager:DescribeSecret', readerSecretArn],
    ['rds-db:connect', dbUser('ledger_writer')],
    ['rds-db:connect', dbUser('postgres')],
    ['rds-db:connect', dbUser('ledger_reader', 'prx-0another0proxy001')],
    ['secretsmanager:PutSecretValue', readerSecretArn],
    ['dynamodb:GetItem', 'arn:aws:dynamodb:eu-west-1:123456789012:table/uploads'],
  ])('denies %s on %s', (action, resource) => {
    expect(can(action, resource)).toBe(false);
  });
});
