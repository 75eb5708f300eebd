// The rules the model enforces on every role, and the refusals a reviewer should be able to try.
import type { PolicyDocument, Statement } from '@keyless/iam-policy';
import { describe, expect, it } from 'vitest';
import {
  assertLeastPrivilege,
  assertNoWildcardPrincipal,
  assertWebIdentityTrustPinned,
  buildIamModel,
  IamModelError,
  ROLE_NAMES,
  validateRole,
  type RoleDefinition,
} from '../src/index.ts';
import { EKS_ISSUER, GITHUB_ISSUER, params, role } from './model-fixture.ts';

const model = buildIamModel(params);
const allStatements = model.roles.flatMap((r) =>
  Object.entries(r.policies).flatMap(([policy, doc]) =>
    doc.Statement.map((statement) => ({ role: r.name, policy, statement })),
  ),
);
const asArray = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const withTrust = (base: RoleDefinition, ...statements: Statement[]): RoleDefinition => ({
  ...base,
  assumeRolePolicy: { Version: '2012-10-17', Statement: statements },
});
const withPolicy = (base: RoleDefinition, statement: Statement): RoleDefinition => ({
  ...base,
  policies: { permissions: { Version: '2012-10-17', Statement: [statement] } satisfies PolicyDocument },
});

const githubProvider = `arn:aws:iam::111122223333:oidc-provider/${GITHUB_ISSUER}`;
const github = (condition: Statement['Condition']): Statement => ({
  Sid: 'GitHub',
  Effect: 'Allow',
  Principal: { Federated: githubProvider },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});
const SUB = `${GITHUB_ISSUER}:sub`;
const AUD = `${GITHUB_ISSUER}:aud`;

describe('the built model', () => {
  it('defines the eight roles of the system (six workloads, two for people), once each', () => {
    expect(model.roles.map((r) => r.name)).toEqual([...ROLE_NAMES]);
  });

  it('registers the EKS and GitHub issuers as OIDC providers for STS', () => {
    expect(model.oidcProviders).toEqual([
      { issuer: EKS_ISSUER, clientIds: ['sts.amazonaws.com'] },
      { issuer: GITHUB_ISSUER, clientIds: ['sts.amazonaws.com'] },
    ]);
  });

  it('has no Allow with a wildcard action, Resource "*", NotAction or NotResource', () => {
    const allows = allStatements.filter(({ statement }) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(10);
    for (const { role: name, statement } of allows) {
      expect(
        asArray(statement.Action).filter((a) => a.includes('*')),
        `${name} ${statement.Sid}`,
      ).toEqual([]);
      expect(asArray(statement.Resource), `${name} ${statement.Sid}`).not.toContain('*');
      expect(statement.NotAction ?? statement.NotResource).toBeUndefined();
    }
  });

  it("caps every workload's session at one hour, a developer's at a working day, an operator's at one hour", () => {
    const seconds = Object.fromEntries(model.roles.map((r) => [r.name, r.maxSessionDurationSeconds]));
    expect(seconds).toEqual({
      api: 3600,
      'upload-processor': 3600,
      'ledger-worker': 3600,
      'usage-reporter': 3600,
      deploy: 3600,
      diff: 3600,
      developer: 28_800,
      operator: 3600,
    });
  });

  it('registers the SAML provider people sign in through (LocalIdP unless named)', () => {
    expect(model.samlProviders).toEqual([{ name: 'LocalIdP' }]);
  });

  it('passes its own rules', () => {
    for (const r of model.roles) expect(() => validateRole(r)).not.toThrow();
  });
});

describe('assertWebIdentityTrustPinned', () => {
  const deploy = role('deploy');

  it('refuses a Federated trust without a sub condition', () => {
    expect(() =>
      assertWebIdentityTrustPinned(
        withTrust(deploy, github({ StringEquals: { [AUD]: 'sts.amazonaws.com' } })),
      ),
    ).toThrow(
      `role 'deploy': trust statement 'GitHub' trusts web identities from '${GITHUB_ISSUER}' without pinning '${SUB}'`,
    );
  });

  it('refuses a Federated trust without an aud condition', () => {
    expect(() =>
      assertWebIdentityTrustPinned(
        withTrust(deploy, github({ StringEquals: { [SUB]: 'repo:o/r:pull_request' } })),
      ),
    ).toThrow(`without pinning '${AUD}'`);
  });

  it('refuses a Federated trust with no Condition at all', () => {
    expect(() => assertWebIdentityTrustPinned(withTrust(deploy, github(undefined)))).toThrow(IamModelError);
  });

  it('refuses a sub "pinned" to a bare wildcard', () => {
    const trust = withTrust(
      deploy,
      github({ StringLike: { [SUB]: '*' }, StringEquals: { [AUD]: 'sts.amazonaws.com' } }),
    );
    expect(() => assertWebIdentityTrustPinned(trust)).toThrow(`without pinning '${SUB}'`);
  });

  it.each(['StringLikeIfExists', 'ForAllValues:StringLike', 'StringNotEquals'])(
    'does not count %s as a pin',
    (operator) => {
      const trust = withTrust(
        deploy,
        github({ [operator]: { [SUB]: 'repo:o/r:*' }, StringEquals: { [AUD]: 'sts.amazonaws.com' } }),
      );
      expect(() => assertWebIdentityTrustPinned(trust)).toThrow(`without pinning '${SUB}'`);
    },
  );

  it('accepts a StringLike pin on sub', () => {
    const trust = withTrust(
      deploy,
      github({ StringLike: { [SUB]: 'repo:o/r:*' }, StringEquals: { [AUD]: 'sts.amazonaws.com' } }),
    );
    expect(() => assertWebIdentityTrustPinned(trust)).not.toThrow();
  });

  it('refuses a SAML provider without SAML:aud pinned', () => {
    const saml: Statement = {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringLike: { 'SAML:aud': '*' } },
    };
    expect(() => assertWebIdentityTrustPinned(withTrust(deploy, saml))).toThrow(
      /trusts the SAML provider 'arn:aws:iam::111122223333:saml-provider\/corp' without pinning 'SAML:aud'/,
    );
  });

  it('accepts a SAML provider with SAML:aud pinned', () => {
    const saml: Statement = {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    };
    expect(() => assertWebIdentityTrustPinned(withTrust(deploy, saml))).not.toThrow();
  });

  it('refuses a Federated principal that is neither an OIDC nor a SAML provider', () => {
    const other: Statement = {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:user/someone' },
      Action: 'sts:AssumeRoleWithSAML',
    };
    expect(() => assertWebIdentityTrustPinned(withTrust(deploy, other))).toThrow(
      /neither an OIDC nor a SAML provider/,
    );
  });

  it('is applied by validateRole', () => {
    expect(() =>
      validateRole(withTrust(deploy, github({ StringEquals: { [AUD]: 'sts.amazonaws.com' } }))),
    ).toThrow(IamModelError);
  });
});

describe('assertNoWildcardPrincipal', () => {
  const api = role('api');
  const assume = { Effect: 'Allow' as const, Action: 'sts:AssumeRole' };

  it.each([
    ['Principal "*"', { ...assume, Principal: '*' as const }, "trusts Principal '*'"],
    ['{"AWS": "*"}', { ...assume, Principal: { AWS: '*' } }, "wildcard AWS principal '*'"],
    [
      'a wildcard service',
      { ...assume, Principal: { Service: '*.amazonaws.com' } },
      "wildcard Service principal '*.amazonaws.com'",
    ],
    [
      'a wildcard identity provider',
      { ...assume, Principal: { Federated: '*' } },
      "wildcard Federated principal '*'",
    ],
    [
      'Allow with NotPrincipal',
      { ...assume, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } },
      'uses NotPrincipal with Allow',
    ],
  ])('refuses %s', (_name, statement, message) => {
    expect(() => assertNoWildcardPrincipal(withTrust(api, statement))).toThrow(message);
  });

  it('allows a Deny with a wildcard principal (it only narrows)', () => {
    const deny: Statement = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    expect(() =>
      assertNoWildcardPrincipal(withTrust(api, ...api.assumeRolePolicy.Statement, deny)),
    ).not.toThrow();
  });
});

describe('assertLeastPrivilege', () => {
  const api = role('api');

  it.each([
    [
      'Action "*"',
      { Effect: 'Allow' as const, Action: '*', Resource: 'arn:aws:s3:::b/*' },
      "wildcard action '*'",
    ],
    [
      'a service wildcard',
      { Effect: 'Allow' as const, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
      "wildcard action 's3:*'",
    ],
    [
      'a prefix wildcard',
      { Effect: 'Allow' as const, Action: ['s3:GetObject', 's3:Put*'], Resource: 'arn:aws:s3:::b/*' },
      "wildcard action 's3:Put*'",
    ],
    [
      'Resource "*"',
      { Effect: 'Allow' as const, Action: 's3:GetObject', Resource: '*' },
      "allows Resource '*'",
    ],
    [
      'NotAction',
      { Effect: 'Allow' as const, NotAction: 'iam:*', Resource: 'arn:aws:s3:::b/*' },
      'NotAction/NotResource',
    ],
    [
      'NotResource',
      { Effect: 'Allow' as const, Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/private/*' },
      'NotAction/NotResource',
    ],
  ])('refuses %s', (_name, statement, message) => {
    expect(() => assertLeastPrivilege(withPolicy(api, statement))).toThrow(message);
  });

  it('allows a broad Deny', () => {
    expect(() =>
      assertLeastPrivilege(withPolicy(api, { Effect: 'Deny', Action: 's3:*', Resource: '*' })),
    ).not.toThrow();
  });
});

describe('validateRole', () => {
  it.each([900, 86_400, 3600.5])('refuses a maximum session of %s seconds (outside IAM range)', (seconds) => {
    expect(() => validateRole({ ...role('api'), maxSessionDurationSeconds: seconds })).toThrow(
      /from 3600 to 43200/,
    );
  });

  it('refuses a malformed policy document', () => {
    const broken = withPolicy(role('api'), {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/${aws:username}',
    });
    expect(() => validateRole(broken)).toThrow(
      /identity policy 'api\/permissions' Statement\[0\]\.Resource: .*policy variable/,
    );
  });
});

describe('buildIamModel parameters', () => {
  it.each([
    [
      'an issuer with a scheme',
      { eksOidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' },
      /eksOidcIssuer .*without scheme/,
    ],
    [
      'an issuer with a trailing slash',
      { githubOidcIssuer: 'token.actions.githubusercontent.com/' },
      /githubOidcIssuer/,
    ],
    ['a short account ID', { accountId: '1234' }, /accountId "1234": expected twelve digits/],
    ['a wildcard in a repository name', { github: { owner: 'o', repo: '*' } }, /github\.repo "\*"/],
    ['a wildcard in an owner name', { github: { owner: 'o*', repo: 'r' } }, /github\.owner "o\*"/],
    [
      'a non-numeric immutable ID',
      { github: { owner: 'o', repo: 'r', immutableIds: { ownerId: 'x', repoId: '1' } } },
      /github\.immutableIds\.ownerId/,
    ],
    [
      'a wildcard in a bucket name',
      { names: { ...params.names, bucket: 'keyless-*' } },
      /names\.bucket "keyless-\*"/,
    ],
    ['a bad region', { region: 'mars' }, /region "mars"/],
  ])('refuses %s', (_name, overrides, message) => {
    expect(() => buildIamModel({ ...params, ...overrides })).toThrow(IamModelError);
    expect(() => buildIamModel({ ...params, ...overrides })).toThrow(message);
  });

  it('reports every bad parameter at once', () => {
    expect(() => buildIamModel({ ...params, accountId: 'x', region: 'y' })).toThrow(/accountId .*; region /);
  });
});
