// Each role's permission policies, evaluated with @keyless/iam-policy: what the service needs is
// allowed, its neighbours' resources and any other action are not.
import { evaluateIdentityPolicies, type Decision, type RequestContext } from '@keyless/iam-policy';
import { describe, expect, it } from 'vitest';
import type { RoleName } from '../src/index.ts';
import { ACCOUNT, role } from './model-fixture.ts';

const bucket = 'arn:aws:s3:::keyless-files';
const table = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/uploads`;
const queue = (name: string) => `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`;
const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${name}-AbC123`;
const dbUser = (proxy: string, user: string) => `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:${proxy}/${user}`;
const logGroup = (fn: string) => `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/${fn}`;
const cdkRole = (purpose: string) =>
  `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-${purpose}-role-${ACCOUNT}-eu-west-1`;
const stack = (name: string) =>
  `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/${name}/6a1b2c3d-0000-0000-0000-000000000000`;

interface Row {
  role: RoleName;
  action: string;
  resource: string;
  context?: RequestContext;
  decision: Decision;
}

const allow = (role: RoleName, action: string, resource: string, context?: RequestContext): Row => ({
  role,
  action,
  resource,
  context,
  decision: 'allow',
});
const deny = (role: RoleName, action: string, resource: string, context?: RequestContext): Row => ({
  role,
  action,
  resource,
  context,
  decision: 'implicit-deny',
});

// prettier-ignore
const rows: Row[] = [
  ...['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'].map((action) => allow('api', action, table)),
  deny('api', 'dynamodb:UpdateItem', table),
  deny('api', 'dynamodb:DeleteItem', table),
  deny('api', 'dynamodb:Scan', table),
  deny('api', 'dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/ledger`),
  allow('api', 's3:PutObject', `${bucket}/incoming/u1/file.pdf`),
  deny('api', 's3:PutObject', `${bucket}/reports/2026-05.json`),
  allow('api', 's3:GetObject', `${bucket}/reports/2026-05.json`),
  deny('api', 's3:GetObject', `${bucket}/incoming/u1/file.pdf`),
  allow('api', 's3:ListBucket', bucket, { 's3:prefix': 'reports/' }),
  deny('api', 's3:ListBucket', bucket, { 's3:prefix': 'incoming/' }),
  deny('api', 's3:ListBucket', bucket),
  deny('api', 's3:DeleteObject', `${bucket}/incoming/u1/file.pdf`),

  allow('upload-processor', 's3:GetObject', `${bucket}/incoming/u1/file.pdf`),
  allow('upload-processor', 's3:GetObjectVersion', `${bucket}/incoming/u1/file.pdf`),
  deny('upload-processor', 's3:GetObject', `${bucket}/reports/2026-05.json`),
  { role: 'upload-processor', action: 's3:PutObject', resource: `${bucket}/incoming/u1/again.pdf`, decision: 'explicit-deny' },
  deny('upload-processor', 's3:PutObject', `${bucket}/reports/x.json`),
  allow('upload-processor', 'dynamodb:GetItem', table),
  allow('upload-processor', 'dynamodb:UpdateItem', table),
  deny('upload-processor', 'dynamodb:PutItem', table),
  allow('upload-processor', 'sqs:SendMessage', queue('ledger-events')),
  allow('upload-processor', 'sqs:SendMessage', queue('upload-processor-failures')),
  deny('upload-processor', 'sqs:ReceiveMessage', queue('ledger-events')),
  allow('upload-processor', 'logs:CreateLogStream', logGroup('upload-processor')),
  allow('upload-processor', 'logs:PutLogEvents', `${logGroup('upload-processor')}:log-stream:2026/05/01/[$LATEST]abc`),
  deny('upload-processor', 'logs:PutLogEvents', `${logGroup('other-function')}:log-stream:x`),
  deny('upload-processor', 'logs:CreateLogGroup', logGroup('upload-processor')),

  ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].map((action) => allow('ledger-worker', action, queue('ledger-events'))),
  deny('ledger-worker', 'sqs:GetQueueAttributes', queue('ledger-events')),
  deny('ledger-worker', 'sqs:SendMessage', queue('ledger-events')),
  deny('ledger-worker', 'sqs:ReceiveMessage', queue('ledger-events-dlq')),
  allow('ledger-worker', 'secretsmanager:GetSecretValue', secret('ledger/writer')),
  allow('ledger-worker', 'secretsmanager:DescribeSecret', secret('ledger/writer')),
  deny('ledger-worker', 'secretsmanager:GetSecretValue', secret('ledger/reader')),
  deny('ledger-worker', 'secretsmanager:GetSecretValue', secret('ledger/writer-old')),
  deny('ledger-worker', 'secretsmanager:PutSecretValue', secret('ledger/writer')),

  allow('usage-reporter', 's3:PutObject', `${bucket}/reports/2026-05.json`),
  allow('usage-reporter', 's3:GetObject', `${bucket}/reports/2026-04.json`),
  deny('usage-reporter', 's3:PutObject', `${bucket}/incoming/u1/file.pdf`),
  deny('usage-reporter', 's3:GetObject', `${bucket}/incoming/u1/file.pdf`),
  // IAM database authentication replaces the reader secret: exactly one dbuser of one proxy.
  allow('usage-reporter', 'rds-db:connect', dbUser('prx-keylesslocal00001', 'ledger_reader')),
  deny('usage-reporter', 'rds-db:connect', dbUser('prx-keylesslocal00001', 'ledger_writer')),
  deny('usage-reporter', 'rds-db:connect', dbUser('prx-keylesslocal00001', 'postgres')),
  deny('usage-reporter', 'rds-db:connect', dbUser('prx-0another0proxy001', 'ledger_reader')),
  deny('usage-reporter', 'rds-db:connect', dbUser('db-LEDGERINSTANCE0001', 'ledger_reader')),
  deny('usage-reporter', 'secretsmanager:GetSecretValue', secret('ledger/reader')),
  deny('usage-reporter', 'secretsmanager:GetSecretValue', secret('ledger/writer')),
  deny('ledger-worker', 'rds-db:connect', dbUser('prx-keylesslocal00001', 'ledger_reader')),

  ...['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((purpose) => allow('deploy', 'sts:AssumeRole', cdkRole(purpose))),
  deny('deploy', 'sts:AssumeRole', cdkRole('cfn-exec')),
  deny('deploy', 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/api`),
  allow('deploy', 'ecs:UpdateService', `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/keyless/api`),
  allow('deploy', 'ecs:DescribeServices', `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/keyless/ledger-worker`),
  deny('deploy', 'ecs:UpdateService', `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/other/api`),
  deny('deploy', 'ecs:DeleteService', `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/keyless/api`),
  allow('deploy', 'eks:DescribeCluster', `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/keyless`),
  deny('deploy', 'eks:UpdateClusterConfig', `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/keyless`),
  deny('deploy', 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/api`),

  allow('diff', 'sts:AssumeRole', cdkRole('lookup')),
  deny('diff', 'sts:AssumeRole', cdkRole('deploy')),
  allow('diff', 'cloudformation:DescribeStacks', stack('keyless-app')),
  allow('diff', 'cloudformation:GetTemplate', stack('keyless-app')),
  deny('diff', 'cloudformation:GetTemplate', stack('other-app')),
  deny('diff', 'cloudformation:UpdateStack', stack('keyless-app')),
  deny('diff', 'cloudformation:CreateChangeSet', stack('keyless-app')),
];

describe('permission policies', () => {
  it.each(rows)(
    '$role: $action on $resource → $decision',
    ({ role: name, action, resource, context, decision }) => {
      const result = evaluateIdentityPolicies(role(name).policies, { action, resource, context });
      expect(result.decision, result.reason).toBe(decision);
    },
  );

  it('tells the learner which statement stops the upload-processor writing incoming/', () => {
    const resource = `${bucket}/incoming/u1/again.pdf`;
    const result = evaluateIdentityPolicies(role('upload-processor').policies, {
      action: 's3:PutObject',
      resource,
    });
    expect(result).toMatchObject({ statement: 'NeverWriteIncoming', policy: 'permissions' });
    expect(result.reason).toBe(
      `s3:PutObject on '${resource}' is explicitly denied by statement 'NeverWriteIncoming' of policy 'permissions' (an explicit Deny overrides any Allow)`,
    );
  });

  it("keeps the upload-processor's Deny when a broader Allow is added later", () => {
    const { policies } = role('upload-processor');
    const widened = {
      ...policies,
      derived: {
        Version: '2012-10-17' as const,
        Statement: [{ Effect: 'Allow' as const, Action: 's3:PutObject', Resource: `${bucket}/*` }],
      },
    };
    const result = evaluateIdentityPolicies(widened, {
      action: 's3:PutObject',
      resource: `${bucket}/incoming/x`,
    });
    expect(result.decision).toBe('explicit-deny');
  });
});
