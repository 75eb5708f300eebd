// Trust policy evaluation, citing the IAM User Guide: "Policy evaluation logic" (EVAL) and
// "AWS JSON policy elements: Principal" (PRINCIPAL).
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, type PolicyDocument, type TrustRequest } from '../src/index.ts';

const ISSUER = 'oidc.example/id/X';
const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;

const trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EcsTasks',
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    },
    {
      Sid: 'ServiceAccount',
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${ISSUER}:sub`]: 'system:serviceaccount:keyless:usage-reporter',
          [`${ISSUER}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ],
};

const webIdentity = (claims: Record<string, string>): TrustRequest => ({
  principal: { type: 'Federated', id: PROVIDER },
  action: 'sts:AssumeRoleWithWebIdentity',
  context: Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${ISSUER}:${claim}`, value])),
});

describe('evaluateTrustPolicy', () => {
  it('allows a matching web identity and names the statement', () => {
    const result = evaluateTrustPolicy(
      trust,
      webIdentity({ sub: 'system:serviceaccount:keyless:usage-reporter', aud: 'sts.amazonaws.com' }),
    );
    expect(result).toEqual({
      allowed: true,
      decision: 'allow',
      statement: 'ServiceAccount',
      reason: "allowed by statement 'ServiceAccount'",
    });
  });

  it('says which condition failed, with expected and actual values (EVAL: implicit deny)', () => {
    const result = evaluateTrustPolicy(
      trust,
      webIdentity({ sub: 'system:serviceaccount:keyless:other', aud: 'sts.amazonaws.com' }),
    );
    expect(result).toMatchObject({ allowed: false, decision: 'implicit-deny', statement: 'ServiceAccount' });
    expect(result.reason).toBe(
      `condition StringEquals on '${ISSUER}:sub' expected 'system:serviceaccount:keyless:usage-reporter', ` +
        `got 'system:serviceaccount:keyless:other' (in statement 'ServiceAccount', the closest to allowing ` +
        `Federated '${PROVIDER}' to sts:AssumeRoleWithWebIdentity)`,
    );
  });

  it('reports every failed condition of the closest statement, including absent keys', () => {
    const { reason } = evaluateTrustPolicy(
      trust,
      webIdentity({ sub: 'system:serviceaccount:keyless:other' }),
    );
    expect(reason).toContain(`on '${ISSUER}:sub' expected`);
    expect(reason).toContain(
      `condition StringEquals on '${ISSUER}:aud' expected 'sts.amazonaws.com', but the key is absent from the request`,
    );
  });

  it('lists every trusted principal when no statement trusts the caller', () => {
    const other = 'arn:aws:iam::111122223333:oidc-provider/other.example';
    const result = evaluateTrustPolicy(trust, {
      principal: { type: 'Federated', id: other },
      action: 'sts:AssumeRoleWithWebIdentity',
      context: {},
    });
    expect(result).toMatchObject({ decision: 'implicit-deny', statement: 'EcsTasks' });
    expect(result.reason).toBe(
      `no statement allows Federated '${other}' to sts:AssumeRoleWithWebIdentity: ` +
        `statement 'EcsTasks': principal Federated '${other}' not trusted (the statement trusts Service 'ecs-tasks.amazonaws.com'); ` +
        `statement 'ServiceAccount': principal Federated '${other}' not trusted (the statement trusts Federated '${PROVIDER}')`,
    );
  });

  it('picks the statement that got furthest as the closest one', () => {
    // The service principal matches EcsTasks only: its failing condition is reported, not the
    // principal mismatch of ServiceAccount.
    const result = evaluateTrustPolicy(trust, {
      principal: { type: 'Service', id: 'ecs-tasks.amazonaws.com' },
      action: 'sts:AssumeRole',
      context: { 'aws:SourceAccount': '444455556666' },
    });
    expect(result.statement).toBe('EcsTasks');
    expect(result.reason).toMatch(
      /^condition StringEquals on 'aws:SourceAccount' expected '111122223333', got '444455556666'/,
    );
  });

  it('reports an action the trusted principal may not perform', () => {
    const result = evaluateTrustPolicy(trust, {
      principal: { type: 'Service', id: 'ecs-tasks.amazonaws.com' },
      action: 'sts:TagSession',
      context: { 'aws:SourceAccount': '111122223333' },
    });
    expect(result.reason).toMatch(/^action 'sts:TagSession' not in the statement's Action 'sts:AssumeRole'/);
  });

  it('lets an explicit Deny override an Allow (EVAL: an explicit deny in any policy overrides any allow)', () => {
    const withDeny: PolicyDocument = {
      ...trust,
      Statement: [
        ...trust.Statement,
        {
          Sid: 'NoOtherAudiences',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringNotEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    };
    const denied = evaluateTrustPolicy(
      withDeny,
      webIdentity({ sub: 'system:serviceaccount:keyless:usage-reporter', aud: 'other' }),
    );
    expect(denied).toMatchObject({
      allowed: false,
      decision: 'explicit-deny',
      statement: 'NoOtherAudiences',
    });
    expect(denied.reason).toMatch(/is explicitly denied by statement 'NoOtherAudiences'/);
    const allowed = evaluateTrustPolicy(
      withDeny,
      webIdentity({ sub: 'system:serviceaccount:keyless:usage-reporter', aud: 'sts.amazonaws.com' }),
    );
    expect(allowed.decision).toBe('allow');
  });

  it('matches every principal of an account for an account ID or :root (PRINCIPAL: AWS account principals)', () => {
    const accountTrust = (principal: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
    });
    const role = { type: 'AWS' as const, id: 'arn:aws:iam::111122223333:role/deployer' };
    expect(
      evaluateTrustPolicy(accountTrust('arn:aws:iam::111122223333:root'), {
        principal: role,
        action: 'sts:AssumeRole',
      }).allowed,
    ).toBe(true);
    expect(
      evaluateTrustPolicy(accountTrust('111122223333'), { principal: role, action: 'sts:AssumeRole' })
        .allowed,
    ).toBe(true);
    expect(
      evaluateTrustPolicy(accountTrust('arn:aws:iam::444455556666:root'), {
        principal: role,
        action: 'sts:AssumeRole',
      }).allowed,
    ).toBe(false);
    expect(
      evaluateTrustPolicy(accountTrust('arn:aws:iam::111122223333:role/other'), {
        principal: role,
        action: 'sts:AssumeRole',
      }).allowed,
    ).toBe(false);
  });

  it('treats "*" and {"AWS": "*"} as every principal (PRINCIPAL: all principals)', () => {
    for (const principal of ['*', { AWS: '*' }] as const) {
      const result = evaluateTrustPolicy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
        },
        { principal: { type: 'Service', id: 'anything.amazonaws.com' }, action: 'sts:AssumeRole' },
      );
      expect(result.allowed).toBe(true);
    }
  });

  it('denies everyone except the listed principal with Deny + NotPrincipal (PRINCIPAL: NotPrincipal)', () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'OnlyDeployer',
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/deployer' },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    const as = (id: string) =>
      evaluateTrustPolicy(policy, { principal: { type: 'AWS', id }, action: 'sts:AssumeRole' });
    expect(as('arn:aws:iam::111122223333:role/deployer').decision).toBe('allow');
    expect(as('arn:aws:iam::111122223333:role/other')).toMatchObject({
      decision: 'explicit-deny',
      statement: 'OnlyDeployer',
    });
  });

  it('names statements without a Sid by index', () => {
    const result = evaluateTrustPolicy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      { principal: { type: 'Service', id: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole' },
    );
    expect(result).toMatchObject({ statement: '#0', reason: 'allowed by statement #0' });
  });

  it('denies implicitly when the policy has no Allow statement (EVAL: denied by default)', () => {
    const result = evaluateTrustPolicy(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: { Service: 'x.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      { principal: { type: 'Service', id: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole' },
    );
    expect(result).toEqual({
      allowed: false,
      decision: 'implicit-deny',
      reason:
        "nothing allows Service 'lambda.amazonaws.com' to sts:AssumeRole: the trust policy has no Allow statement",
    });
  });
});
