// evaluateRequest: one request within one account across identity-based policies, the
// resource-based policy, session policies and the permissions boundary. Each case names the IAM
// User Guide page whose rule it checks.
import { describe, expect, it } from 'vitest';
import {
  evaluateRequest,
  PolicyError,
  type AccessRequest,
  type ConditionBlock,
  type PolicyDocument,
  type RequestContext,
  type Statement,
} from '../src/index.ts';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/api`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/api/sess`;
const OBJECT = 'arn:aws:s3:::keyless-files/reports/x';
const principal = { arn: SESSION, accountId: ACCOUNT, roleArn: ROLE };

const doc = (...statements: Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allow = (action: string, resource = OBJECT, extra: Partial<Statement> = {}): Statement => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
const deny = (action: string, resource = OBJECT, extra: Partial<Statement> = {}): Statement => ({
  ...allow(action, resource, extra),
  Effect: 'Deny',
});
const bucketAllow = (who: string | string[], extra: Partial<Statement> = {}): Statement => ({
  Sid: 'BucketAllow',
  Principal: { AWS: who },
  ...allow('s3:GetObject', 'arn:aws:s3:::keyless-files/*', extra),
});

const request = (overrides: Partial<AccessRequest>): AccessRequest => ({
  principal,
  action: 's3:GetObject',
  resource: OBJECT,
  identityPolicies: {},
  ...overrides,
});

const readReports = { permissions: doc({ Sid: 'Read', ...allow('s3:GetObject') }) };

describe('Policy evaluation logic: an explicit deny in any policy type wins', () => {
  const allEverywhere = {
    identityPolicies: readReports,
    resourcePolicy: doc(bucketAllow(SESSION)),
    permissionsBoundary: doc(allow('s3:*', '*')),
    sessionPolicies: [doc(allow('s3:*', '*'))],
  };

  it.each([
    [
      'identity',
      { identityPolicies: { permissions: doc(allow('s3:GetObject'), { Sid: 'No', ...deny('s3:*', '*') }) } },
    ],
    [
      'resource',
      { resourcePolicy: doc(bucketAllow(SESSION), { Sid: 'No', Principal: '*', ...deny('s3:*', '*') }) },
    ],
    [
      'boundary',
      { permissionsBoundary: doc(allow('s3:*', '*'), { Sid: 'No', ...deny('s3:GetObject', '*') }) },
    ],
    ['session', { sessionPolicies: [doc(allow('s3:*', '*'), { Sid: 'No', ...deny('s3:Get*', '*') })] }],
  ] as const)('a Deny in the %s policy overrides every Allow', (policyType, override) => {
    const result = evaluateRequest(request({ ...allEverywhere, ...override }));
    expect(result).toMatchObject({ allowed: false, decision: 'explicit-deny', policyType, statement: 'No' });
  });

  it('a resource-policy Deny naming the role applies to its sessions', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: doc({ Sid: 'NoRole', Principal: { AWS: ROLE }, ...deny('s3:*', '*') }),
      }),
    );
    expect(result).toMatchObject({ decision: 'explicit-deny', policyType: 'resource', statement: 'NoRole' });
    expect(result.reason).toBe(
      `s3:GetObject on '${OBJECT}' is explicitly denied by statement 'NoRole' of the resource-based policy (an explicit Deny in any policy overrides any Allow)`,
    );
  });

  it('a resource-policy Deny naming the account applies to every principal in it', () => {
    const result = evaluateRequest(
      request({
        resourcePolicy: doc(bucketAllow(SESSION), {
          Principal: { AWS: ACCOUNT },
          ...deny('s3:GetObject', '*'),
        }),
      }),
    );
    expect(result).toMatchObject({ decision: 'explicit-deny', policyType: 'resource', statement: '#1' });
  });

  it('a Deny whose principal is someone else does not apply', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: doc({
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` },
          ...deny('s3:*', '*'),
        }),
      }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'identity' });
  });
});

describe('Policy evaluation logic / Identity-based policies and resource-based policies: same account', () => {
  it('an Allow in the resource-based policy alone is enough (no identity-based policy)', () => {
    const result = evaluateRequest(request({ resourcePolicy: doc(bucketAllow(SESSION)) }));
    expect(result).toMatchObject({
      allowed: true,
      decision: 'allow',
      policyType: 'resource',
      statement: 'BucketAllow',
    });
  });

  it('an Allow in the identity-based policy alone is enough (resource policy silent)', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: doc(bucketAllow(`arn:aws:iam::${ACCOUNT}:role/other`)),
      }),
    );
    expect(result).toEqual({
      allowed: true,
      decision: 'allow',
      policyType: 'identity',
      statement: 'Read',
      policy: 'permissions',
      reason: "allowed by statement 'Read' of identity-based policy 'permissions'",
    });
  });

  it('a resource policy naming the role ARN allows without an identity-based Allow', () => {
    const result = evaluateRequest(request({ resourcePolicy: doc(bucketAllow(ROLE)) }));
    expect(result).toMatchObject({ allowed: true, policyType: 'resource', statement: 'BucketAllow' });
  });

  it("Principal: '*' grants within the account with no other permissions", () => {
    const result = evaluateRequest(
      request({
        resourcePolicy: doc({ ...bucketAllow(SESSION), Principal: '*' }),
        sessionPolicies: [doc(allow('sqs:*', '*'))],
      }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource' });
  });

  it('Principal: account root delegates to the identity-based policies (AWS account principals)', () => {
    const rootOnly = doc(bucketAllow(`arn:aws:iam::${ACCOUNT}:root`));
    const denied = evaluateRequest(request({ resourcePolicy: rootOnly }));
    expect(denied).toMatchObject({ allowed: false, decision: 'implicit-deny', policyType: 'identity' });
    expect(denied.reason).toContain(
      "statement 'BucketAllow' of the resource-based policy names only the account",
    );
    expect(
      evaluateRequest(request({ resourcePolicy: rootOnly, identityPolicies: readReports })),
    ).toMatchObject({
      allowed: true,
      policyType: 'identity',
    });
  });

  it('the resource policy statement must still cover the action, resource and conditions', () => {
    const result = evaluateRequest(
      request({ action: 's3:PutObject', resourcePolicy: doc(bucketAllow(SESSION)) }),
    );
    expect(result).toMatchObject({ allowed: false, decision: 'implicit-deny', policyType: 'identity' });
    expect(result.reason).toContain(
      "nor does the resource-based policy allow it: action 's3:PutObject' not in the statement's Action 's3:GetObject'",
    );
  });

  it('the role ARN is derived from the session ARN when not given (role without a path)', () => {
    const result = evaluateRequest(
      request({ principal: { arn: SESSION, accountId: ACCOUNT }, resourcePolicy: doc(bucketAllow(ROLE)) }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource' });
  });

  it('an IAM user named directly needs no identity-based Allow', () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/ci`;
    const result = evaluateRequest(
      request({ principal: { arn: user, accountId: ACCOUNT }, resourcePolicy: doc(bucketAllow(user)) }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource' });
  });
});

describe('Policy evaluation logic: resource policy naming the role ARN vs the session ARN, with session policies and a boundary', () => {
  const sessionPolicies = [doc({ Sid: 'OnlyQueues', ...allow('sqs:*', '*') })];
  const permissionsBoundary = doc({ Sid: 'OnlyDynamo', ...allow('dynamodb:*', '*') });

  it('naming the SESSION ARN bypasses an implicit deny in the session policy', () => {
    const result = evaluateRequest(request({ sessionPolicies, resourcePolicy: doc(bucketAllow(SESSION)) }));
    expect(result).toMatchObject({ allowed: true, policyType: 'resource', statement: 'BucketAllow' });
    expect(result.reason).toContain('no permissions boundary or session policy limits it');
  });

  it('naming the SESSION ARN bypasses an implicit deny in the permissions boundary', () => {
    const result = evaluateRequest(
      request({ permissionsBoundary, resourcePolicy: doc(bucketAllow(SESSION)) }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource' });
  });

  it('naming the ROLE ARN is limited by an implicit deny in the session policy', () => {
    const result = evaluateRequest(request({ sessionPolicies, resourcePolicy: doc(bucketAllow(ROLE)) }));
    expect(result).toMatchObject({
      allowed: false,
      decision: 'implicit-deny',
      policyType: 'session',
      statement: 'OnlyQueues',
      policy: '#0',
    });
    expect(result.reason).toMatch(
      /^the session policy does not allow s3:GetObject on '.*', and statement 'BucketAllow' of the resource-based policy, which names the role 'arn:aws:iam::111122223333:role\/api', grants only within the role's permissions boundary and session policies: action 's3:GetObject' not in/,
    );
  });

  it('naming the ROLE ARN is limited by an implicit deny in the permissions boundary', () => {
    const result = evaluateRequest(request({ permissionsBoundary, resourcePolicy: doc(bucketAllow(ROLE)) }));
    expect(result).toMatchObject({ allowed: false, policyType: 'boundary', statement: 'OnlyDynamo' });
    expect(result.policy).toBeUndefined();
  });

  it('naming the ROLE ARN allows when the session policy allows too', () => {
    const result = evaluateRequest(
      request({
        sessionPolicies: [doc({ Sid: 'S3', ...allow('s3:*', '*') })],
        resourcePolicy: doc(bucketAllow(ROLE)),
      }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource', statement: 'BucketAllow' });
    expect(result.reason).toContain(
      "within the session policy (allowed by statement 'S3' of session policy #0)",
    );
  });

  it('a statement naming both the role and the session grants as the session', () => {
    const result = evaluateRequest(
      request({ sessionPolicies, resourcePolicy: doc(bucketAllow([ROLE, SESSION])) }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'resource' });
  });
});

describe('Session policies / Permissions boundaries for IAM entities: intersections with identity-based policies', () => {
  it('a session policy narrows: identity allows, session policy does not', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        sessionPolicies: { scoped: doc({ Sid: 'Put', ...allow('s3:PutObject') }) },
      }),
    );
    expect(result).toMatchObject({
      allowed: false,
      decision: 'implicit-deny',
      policyType: 'session',
      statement: 'Put',
      policy: 'scoped',
    });
    expect(result.reason).toMatch(
      /^the session policy does not allow s3:GetObject on '.*', which narrows what the identity-based policies allow \(allowed by statement 'Read' of identity-based policy 'permissions'\): action 's3:GetObject' not in/,
    );
  });

  it('a session policy cannot grant more than the identity-based policies', () => {
    const result = evaluateRequest(request({ sessionPolicies: [doc(allow('s3:*', '*'))] }));
    expect(result).toMatchObject({ allowed: false, policyType: 'identity' });
  });

  it('identity, boundary and session policy all allowing: allowed, decided by the identity-based policy', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        permissionsBoundary: doc({ Sid: 'B', ...allow('s3:Get*', '*') }),
        sessionPolicies: [doc({ Sid: 'S', ...allow('s3:GetObject', 'arn:aws:s3:::keyless-files/*') })],
      }),
    );
    expect(result).toEqual({
      allowed: true,
      decision: 'allow',
      policyType: 'identity',
      statement: 'Read',
      policy: 'permissions',
      reason:
        "allowed by statement 'Read' of identity-based policy 'permissions', within the permissions boundary " +
        "(allowed by statement 'B' of the permissions boundary) and the session policy (allowed by statement 'S' of session policy #0)",
    });
  });

  it('a boundary narrows: identity allows, boundary does not', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        permissionsBoundary: doc({ Sid: 'Queues', ...allow('sqs:*', '*') }),
      }),
    );
    expect(result).toMatchObject({
      allowed: false,
      decision: 'implicit-deny',
      policyType: 'boundary',
      statement: 'Queues',
    });
  });

  it('a boundary grants nothing by itself', () => {
    const result = evaluateRequest(request({ permissionsBoundary: doc(allow('s3:*', '*')) }));
    expect(result).toMatchObject({ allowed: false, policyType: 'identity' });
  });

  it('the boundary is checked before the session policy when both deny implicitly', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        permissionsBoundary: doc(allow('sqs:*', '*')),
        sessionPolicies: [doc(allow('sqs:*', '*'))],
      }),
    );
    expect(result.policyType).toBe('boundary');
  });

  it('an empty list of session policies means none were passed', () => {
    expect(evaluateRequest(request({ identityPolicies: readReports, sessionPolicies: [] })).allowed).toBe(
      true,
    );
  });

  it('no policies at all: implicit deny by the identity-based policies', () => {
    expect(evaluateRequest(request({}))).toEqual({
      allowed: false,
      decision: 'implicit-deny',
      policyType: 'identity',
      reason: `nothing allows s3:GetObject on '${OBJECT}': no identity-based policy has an Allow statement`,
    });
  });
});

describe('IAM JSON policy elements: NotAction / NotResource, with Allow and with Deny', () => {
  it('Allow with NotAction applies to the actions not listed', () => {
    const identityPolicies = [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })];
    expect(evaluateRequest(request({ identityPolicies })).allowed).toBe(true);
    expect(
      evaluateRequest(
        request({ identityPolicies, action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/x` }),
      ).allowed,
    ).toBe(false);
  });

  it('Deny with NotAction denies every action not listed', () => {
    const identityPolicies = [
      doc(allow('*', '*'), { Sid: 'OnlyS3', Effect: 'Deny', NotAction: 's3:*', Resource: '*' }),
    ];
    expect(evaluateRequest(request({ identityPolicies })).allowed).toBe(true);
    expect(
      evaluateRequest(
        request({
          identityPolicies,
          action: 'sqs:SendMessage',
          resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`,
        }),
      ),
    ).toMatchObject({ decision: 'explicit-deny', statement: 'OnlyS3' });
  });

  it('Allow with NotResource applies to the resources not listed', () => {
    const identityPolicies = [
      doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::keyless-files/incoming/*' }),
    ];
    expect(evaluateRequest(request({ identityPolicies })).allowed).toBe(true);
    expect(
      evaluateRequest(request({ identityPolicies, resource: 'arn:aws:s3:::keyless-files/incoming/a' }))
        .allowed,
    ).toBe(false);
  });

  it('Deny with NotResource in a session policy denies everything outside the listed resources', () => {
    const sessionPolicies = [
      doc(allow('s3:*', '*'), {
        Sid: 'Fence',
        Effect: 'Deny',
        Action: 's3:*',
        NotResource: 'arn:aws:s3:::keyless-files/reports/*',
      }),
    ];
    const identityPolicies = [doc(allow('s3:*', '*'))];
    expect(evaluateRequest(request({ identityPolicies, sessionPolicies })).allowed).toBe(true);
    expect(
      evaluateRequest(
        request({ identityPolicies, sessionPolicies, resource: 'arn:aws:s3:::keyless-files/derived/a' }),
      ),
    ).toMatchObject({ decision: 'explicit-deny', policyType: 'session', statement: 'Fence' });
  });
});

describe('AWS JSON policy elements: NotPrincipal in a resource-based policy', () => {
  const denyAllBut = (...except: string[]): Statement => ({
    Sid: 'OnlyListed',
    Effect: 'Deny',
    NotPrincipal: { AWS: except },
    Action: 's3:*',
    Resource: 'arn:aws:s3:::keyless-files/*',
  });

  it('Deny with NotPrincipal denies a caller that is not listed', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: doc(denyAllBut(`arn:aws:iam::${ACCOUNT}:role/other`, `arn:aws:iam::${ACCOUNT}:root`)),
      }),
    );
    expect(result).toMatchObject({
      decision: 'explicit-deny',
      policyType: 'resource',
      statement: 'OnlyListed',
    });
  });

  it('Deny with NotPrincipal spares a session listed with its role and account', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: doc(denyAllBut(SESSION, ROLE, `arn:aws:iam::${ACCOUNT}:root`)),
      }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'identity' });
  });

  it('Deny with NotPrincipal listing only the session still denies (AWS may check the account and role first)', () => {
    const result = evaluateRequest(
      request({ identityPolicies: readReports, resourcePolicy: doc(denyAllBut(SESSION)) }),
    );
    expect(result).toMatchObject({ decision: 'explicit-deny', policyType: 'resource' });
  });

  it('Allow with NotPrincipal grants everyone not listed, and not the listed', () => {
    const allowAllBut = (who: string): Statement => ({
      Effect: 'Allow',
      NotPrincipal: { AWS: who },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::keyless-files/*',
    });
    expect(
      evaluateRequest(request({ resourcePolicy: doc(allowAllBut(`arn:aws:iam::${ACCOUNT}:role/other`)) }))
        .allowed,
    ).toBe(true);
    const excluded = evaluateRequest(request({ resourcePolicy: doc(allowAllBut(ROLE)) }));
    expect(excluded.allowed).toBe(false);
    expect(excluded.reason).toContain(
      `caller '${SESSION}' (role '${ROLE}') of account ${ACCOUNT} is excluded by NotPrincipal AWS '${ROLE}'`,
    );
  });
});

describe('IAM JSON policy elements: Condition operators, across policy types', () => {
  const tagged = (condition: Statement['Condition']) => ({
    identityPolicies: [doc(allow('s3:GetObject', OBJECT, { Condition: condition }))],
  });

  it.each([
    [
      'ForAnyValue:StringLike, one value matches',
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } },
      { 'aws:TagKeys': ['cost', 'team-a'] },
      true,
    ],
    [
      'ForAnyValue:StringLike, no value matches',
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } },
      { 'aws:TagKeys': ['cost'] },
      false,
    ],
    [
      'ForAnyValue:StringLike, key missing: false',
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } },
      {},
      false,
    ],
    [
      'ForAllValues:StringEquals, every value listed',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } },
      { 'aws:TagKeys': ['cost'] },
      true,
    ],
    [
      'ForAllValues:StringEquals, one value unlisted',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } },
      { 'aws:TagKeys': ['cost', 'owner'] },
      false,
    ],
    [
      'ForAllValues:StringEquals, key missing: true',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' } },
      {},
      true,
    ],
    [
      'ForAllValues:StringEquals, empty set: true',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' } },
      { 'aws:TagKeys': [] },
      true,
    ],
    ['StringEquals, key missing: false', { StringEquals: { 'aws:PrincipalTag/team': 'a' } }, {}, false],
    [
      'StringEqualsIfExists, key missing: true',
      { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'a' } },
      {},
      true,
    ],
    [
      'StringEqualsIfExists, key present and different: false',
      { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'a' } },
      { 'aws:PrincipalTag/team': 'b' },
      false,
    ],
    ['Null true, key missing', { Null: { 'aws:PrincipalTag/team': 'true' } }, {}, true],
    ['Null false, key missing', { Null: { 'aws:PrincipalTag/team': 'false' } }, {}, false],
  ] satisfies [string, ConditionBlock, RequestContext, boolean][])(
    '%s',
    (_name, condition, context, allowed) => {
      expect(evaluateRequest(request({ ...tagged(condition), context })).allowed).toBe(allowed);
    },
  );

  const httpsOnly = doc({
    Sid: 'HttpsOnly',
    Principal: '*',
    ...deny('s3:*', 'arn:aws:s3:::keyless-files/*', {
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  });

  it('Bool aws:SecureTransport "false" in a bucket policy Deny: denies plain HTTP', () => {
    const result = evaluateRequest(
      request({
        identityPolicies: readReports,
        resourcePolicy: httpsOnly,
        context: { 'aws:SecureTransport': 'false' },
      }),
    );
    expect(result).toMatchObject({
      decision: 'explicit-deny',
      policyType: 'resource',
      statement: 'HttpsOnly',
    });
  });

  it('Bool aws:SecureTransport "false": the Deny does not apply when the key is missing', () => {
    const result = evaluateRequest(
      request({ identityPolicies: readReports, resourcePolicy: httpsOnly, context: {} }),
    );
    expect(result).toMatchObject({ allowed: true, policyType: 'identity' });
  });

  it('BoolIfExists aws:SecureTransport "true" in an Allow: holds when the key is missing, fails on "false"', () => {
    const resourcePolicy = doc(
      bucketAllow(SESSION, { Condition: { BoolIfExists: { 'aws:SecureTransport': 'true' } } }),
    );
    expect(evaluateRequest(request({ resourcePolicy })).allowed).toBe(true);
    expect(
      evaluateRequest(request({ resourcePolicy, context: { 'aws:SecureTransport': 'false' } })).allowed,
    ).toBe(false);
  });

  it('ArnLike on aws:PrincipalArn sees the role ARN of a role session (derived from the principal)', () => {
    const onlyApiRoles = (pattern: string) =>
      doc({
        Sid: 'ApiRoles',
        Principal: { AWS: ACCOUNT },
        ...deny('s3:*', 'arn:aws:s3:::keyless-files/*', {
          Condition: { ArnNotLike: { 'aws:PrincipalArn': pattern } },
        }),
      });
    expect(
      evaluateRequest(
        request({
          identityPolicies: readReports,
          resourcePolicy: onlyApiRoles(`arn:aws:iam::${ACCOUNT}:role/api*`),
        }),
      ).allowed,
    ).toBe(true);
    expect(
      evaluateRequest(
        request({
          identityPolicies: readReports,
          resourcePolicy: onlyApiRoles(`arn:aws:sts::${ACCOUNT}:assumed-role/api/*`),
        }),
      ),
    ).toMatchObject({ decision: 'explicit-deny', statement: 'ApiRoles' });
  });

  it('Principal * with ArnLike on aws:PrincipalArn grants the role sessions directly', () => {
    const resourcePolicy = doc({
      ...bucketAllow(SESSION),
      Principal: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': ROLE } },
    });
    const sessionPolicies = [doc(allow('sqs:*', '*'))];
    expect(evaluateRequest(request({ resourcePolicy, sessionPolicies }))).toMatchObject({
      allowed: true,
      policyType: 'resource',
    });
    const other = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/other/s`, accountId: ACCOUNT };
    expect(evaluateRequest(request({ principal: other, resourcePolicy })).allowed).toBe(false);
  });

  it('a context that sets aws:PrincipalArn itself is kept', () => {
    const resourcePolicy = doc({
      ...bucketAllow(SESSION),
      Principal: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': ROLE } },
    });
    expect(
      evaluateRequest(
        request({ resourcePolicy, context: { 'aws:principalarn': 'arn:aws:iam::111122223333:role/x' } }),
      ).allowed,
    ).toBe(false);
  });
});

describe('validation of the documents evaluateRequest is given', () => {
  it('refuses a resource-based policy without Principal, naming it', () => {
    expect(() => evaluateRequest(request({ resourcePolicy: doc(allow('s3:GetObject')) }))).toThrow(
      /^resource policy 'resource-based policy' Statement\[0\]: must have exactly one of Principal or NotPrincipal/,
    );
  });

  it('refuses a Principal in a session policy', () => {
    expect(() =>
      evaluateRequest(request({ sessionPolicies: [doc({ ...allow('s3:*'), Principal: '*' })] })),
    ).toThrow(PolicyError);
  });

  it('refuses a Principal in a permissions boundary', () => {
    expect(() =>
      evaluateRequest(request({ permissionsBoundary: doc({ ...allow('s3:*'), Principal: '*' }) })),
    ).toThrow(/^identity policy 'permissions boundary' Statement\[0\]\.Principal/);
  });
});
