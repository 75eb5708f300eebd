// Identity policy evaluation, citing the IAM User Guide: "Policy evaluation logic" (EVAL),
// "IAM JSON policy elements: Action" / "NotAction" (ACTION) and "Resource" / "NotResource" (RESOURCE).
import { describe, expect, it } from 'vitest';
import { evaluateIdentityPolicies, type PolicyDocument, type Statement } from '../src/index.ts';

const policy = (...statements: Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allow = (action: string | string[], resource: string | string[]): Statement => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});

interface Row {
  cites: string;
  statement: Statement;
  action: string;
  resource: string;
  allowed: boolean;
}

const OBJECT = 'arn:aws:s3:::keyless-files/reports/2026-05.json';

// prettier-ignore
const rows: Row[] = [
  { cites: 'ACTION: action names are case-insensitive', statement: allow('S3:getobject', OBJECT), action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'ACTION: * matches a run of characters', statement: allow('s3:Get*', OBJECT), action: 's3:GetObjectVersion', resource: OBJECT, allowed: true },
  { cites: 'ACTION: ? matches one character', statement: allow('s3:?etObject', OBJECT), action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'ACTION: a prefix wildcard does not match another action', statement: allow('s3:Get*', OBJECT), action: 's3:PutObject', resource: OBJECT, allowed: false },
  { cites: 'ACTION: "*" matches every action', statement: allow('*', OBJECT), action: 'dynamodb:GetItem', resource: OBJECT, allowed: true },
  { cites: 'ACTION: the service prefix must match too', statement: allow('s3:GetObject', OBJECT), action: 's3express:GetObject', resource: OBJECT, allowed: false },
  { cites: 'RESOURCE: ARNs are case-sensitive', statement: allow('s3:GetObject', 'arn:aws:s3:::keyless-files/reports/*'), action: 's3:GetObject', resource: 'arn:aws:s3:::keyless-files/Reports/x', allowed: false },
  { cites: 'RESOURCE: * in the resource part matches across /', statement: allow('s3:GetObject', 'arn:aws:s3:::keyless-files/reports/*'), action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'RESOURCE: a bucket ARN does not cover its objects', statement: allow('s3:GetObject', 'arn:aws:s3:::keyless-files'), action: 's3:GetObject', resource: OBJECT, allowed: false },
  { cites: 'RESOURCE: "*" matches every resource', statement: allow('s3:GetObject', '*'), action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'RESOURCE: wildcards in the account part stay in that part', statement: allow('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:*:q'), action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:111122223333:q', allowed: true },
  { cites: 'RESOURCE: ? in the Secrets Manager suffix matches exactly six characters', statement: allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ledger/writer-??????'), action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ledger/writer-AbC123', allowed: true },
  { cites: 'RESOURCE: the six-character suffix does not cover a longer secret name', statement: allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ledger/writer-??????'), action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ledger/writer-old-AbC123', allowed: false },
  { cites: 'ACTION NotAction: Allow applies to every action not listed', statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'ACTION NotAction: Allow does not apply to a listed action', statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, action: 'iam:CreateUser', resource: 'arn:aws:iam::111122223333:user/x', allowed: false },
  { cites: 'RESOURCE NotResource: Allow applies to every resource not listed', statement: { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::keyless-files/incoming/*' }, action: 's3:GetObject', resource: OBJECT, allowed: true },
  { cites: 'RESOURCE NotResource: Allow does not apply to a listed resource', statement: { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::keyless-files/incoming/*' }, action: 's3:GetObject', resource: 'arn:aws:s3:::keyless-files/incoming/a', allowed: false },
];

describe('evaluateIdentityPolicies', () => {
  it.each(rows)('$cites', ({ statement, action, resource, allowed }) => {
    expect(evaluateIdentityPolicies([policy(statement)], { action, resource }).allowed).toBe(allowed);
  });

  it('lets an explicit Deny in one policy override an Allow in another (EVAL: explicit deny wins)', () => {
    const incoming = 'arn:aws:s3:::keyless-files/incoming/a';
    const result = evaluateIdentityPolicies(
      {
        read: policy(allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::keyless-files/*')),
        guard: policy({
          Sid: 'NoIncomingWrites',
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::keyless-files/incoming/*',
        }),
      },
      { action: 's3:PutObject', resource: incoming },
    );
    expect(result).toEqual({
      allowed: false,
      decision: 'explicit-deny',
      statement: 'NoIncomingWrites',
      policy: 'guard',
      reason: `s3:PutObject on '${incoming}' is explicitly denied by statement 'NoIncomingWrites' of policy 'guard' (an explicit Deny overrides any Allow)`,
    });
  });

  it('ignores a Deny whose condition does not hold (EVAL: a statement applies only when its conditions hold)', () => {
    const result = evaluateIdentityPolicies(
      [
        policy(allow('s3:GetObject', '*'), {
          Effect: 'Deny',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ],
      { action: 's3:GetObject', resource: OBJECT, context: { 'aws:SecureTransport': 'true' } },
    );
    expect(result).toMatchObject({ allowed: true, decision: 'allow', statement: '#0', policy: '#0' });
  });

  it('explains an implicit deny with the closest statement and the failed element', () => {
    const result = evaluateIdentityPolicies(
      {
        permissions: policy(
          { Sid: 'ReadReports', ...allow('s3:GetObject', 'arn:aws:s3:::keyless-files/reports/*') },
          {
            Sid: 'Table',
            ...allow('dynamodb:GetItem', 'arn:aws:dynamodb:eu-west-1:111122223333:table/uploads'),
          },
        ),
      },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::keyless-files/incoming/a' },
    );
    expect(result).toEqual({
      allowed: false,
      decision: 'implicit-deny',
      statement: 'ReadReports',
      policy: 'permissions',
      reason:
        "resource 'arn:aws:s3:::keyless-files/incoming/a' not in the statement's Resource 'arn:aws:s3:::keyless-files/reports/*' " +
        "(in statement 'ReadReports' of policy 'permissions', the closest to allowing s3:GetObject on 'arn:aws:s3:::keyless-files/incoming/a')",
    });
  });

  it('explains an action that no statement names', () => {
    const result = evaluateIdentityPolicies([policy(allow(['dynamodb:GetItem', 'dynamodb:Query'], '*'))], {
      action: 'dynamodb:DeleteItem',
      resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/uploads',
    });
    expect(result.reason).toMatch(
      /^action 'dynamodb:DeleteItem' not in the statement's Action 'dynamodb:GetItem' or 'dynamodb:Query'/,
    );
  });

  it('explains a NotAction exclusion', () => {
    const result = evaluateIdentityPolicies(
      [policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
      {
        action: 'iam:CreateUser',
        resource: 'arn:aws:iam::111122223333:user/x',
      },
    );
    expect(result.reason).toMatch(/^action 'iam:CreateUser' is excluded by NotAction 'iam:\*'/);
  });

  it('denies implicitly when there are no policies at all (EVAL: denied by default)', () => {
    expect(evaluateIdentityPolicies([], { action: 's3:GetObject', resource: OBJECT })).toEqual({
      allowed: false,
      decision: 'implicit-deny',
      reason: `nothing allows s3:GetObject on '${OBJECT}': no identity policy has an Allow statement`,
    });
  });
});
