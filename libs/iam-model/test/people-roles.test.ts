// The roles for people, federated through the SAML provider: trust evaluated with the SAML:* keys
// STS puts in the context, and the operator's ABAC grant decided on the `team` session tag.
import { evaluateIdentityPolicies, evaluateTrustPolicy, type TrustRequest } from '@keyless/iam-policy';
import { describe, expect, it } from 'vitest';
import { resourceArns, samlProviderArn } from '../src/index.ts';
import { ACCOUNT, params, role } from './model-fixture.ts';

const PROVIDER = samlProviderArn(params);
const AWS_SIGN_IN = 'https://signin.aws.amazon.com/saml';

const assertion = (
  sub: string,
  overrides: {
    provider?: string;
    aud?: string;
    action?: TrustRequest['action'];
    tags?: Record<string, string>;
  } = {},
): TrustRequest => ({
  principal: { type: 'Federated', id: overrides.provider ?? PROVIDER },
  action: overrides.action ?? 'sts:AssumeRoleWithSAML',
  context: {
    'SAML:aud': overrides.aud ?? AWS_SIGN_IN,
    'SAML:sub': sub,
    'SAML:sub_type': 'persistent',
    'SAML:iss': 'http://127.0.0.1:1/saml',
    ...(overrides.tags && {
      'aws:TagKeys': Object.keys(overrides.tags),
      ...Object.fromEntries(Object.entries(overrides.tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    }),
  },
});

describe('developer and operator trust (SAML)', () => {
  it('the SAML provider is LocalIdP in this account unless named', () => {
    expect(PROVIDER).toBe(`arn:aws:iam::${ACCOUNT}:saml-provider/LocalIdP`);
    expect(samlProviderArn({ ...params, samlProviderName: 'CorporateIdP' })).toMatch(
      /saml-provider\/CorporateIdP$/,
    );
  });

  it.each([
    ['developer', 'dana@keyless.example', true],
    ['operator', 'omar@ops.keyless.example', true],
    ['operator', 'dana@keyless.example', false],
  ] as const)('%s trusts %s: %s', (name, sub, allowed) => {
    expect(evaluateTrustPolicy(role(name).assumeRolePolicy, assertion(sub)).allowed).toBe(allowed);
  });

  it('refuses an assertion whose SAML:aud is not AWS sign-in', () => {
    const result = evaluateTrustPolicy(
      role('developer').assumeRolePolicy,
      assertion('dana@keyless.example', { aud: 'https://sp.example.test/acs' }),
    );
    expect(result.allowed).toBe(false);
    expect(result.reason).toMatch(/SAML:aud/);
  });

  it('refuses another SAML provider', () => {
    const other = `arn:aws:iam::${ACCOUNT}:saml-provider/OtherIdP`;
    expect(
      evaluateTrustPolicy(
        role('developer').assumeRolePolicy,
        assertion('dana@keyless.example', { provider: other }),
      ).allowed,
    ).toBe(false);
  });

  it('allows the team session tag, and refuses any other tag', () => {
    const trust = role('developer').assumeRolePolicy;
    const tag = (tags: Record<string, string>) =>
      assertion('dana@keyless.example', { action: 'sts:TagSession', tags });
    expect(evaluateTrustPolicy(trust, tag({ team: 'ledger' })).allowed).toBe(true);
    expect(evaluateTrustPolicy(trust, tag({ team: 'ledger', admin: 'true' })).allowed).toBe(false);
  });

  it('operator sessions last an hour at most, developer sessions a working day', () => {
    expect(role('operator').maxSessionDurationSeconds).toBe(3600);
    expect(role('developer').maxSessionDurationSeconds).toBe(28_800);
  });
});

describe('developer and operator permissions', () => {
  const arn = resourceArns(params);
  const decide = (name: 'developer' | 'operator', action: string, resource: string, team?: string) =>
    evaluateIdentityPolicies(Object.values(role(name).policies), {
      action,
      resource,
      context: team === undefined ? {} : { 'aws:PrincipalTag/team': team },
    }).allowed;

  it('a developer reads the bucket listing and the reports, and writes nothing', () => {
    expect(decide('developer', 's3:ListBucket', arn.bucket)).toBe(true);
    expect(decide('developer', 's3:GetObject', `${arn.bucket}/reports/latest.json`)).toBe(true);
    expect(decide('developer', 's3:PutObject', `${arn.bucket}/reports/latest.json`)).toBe(false);
    expect(decide('developer', 's3:PutObject', `${arn.bucket}/incoming/x`)).toBe(false);
    expect(decide('developer', 'sqs:ReceiveMessage', arn.ledgerEventsDlq, 'ledger')).toBe(false);
  });

  it('an operator handles the ledger dead letters only with the ledger team tag (ABAC)', () => {
    expect(decide('operator', 'sqs:ReceiveMessage', arn.ledgerEventsDlq, 'ledger')).toBe(true);
    expect(decide('operator', 'sqs:DeleteMessage', arn.ledgerEventsDlq, 'ledger')).toBe(true);
    expect(decide('operator', 'sqs:ReceiveMessage', arn.ledgerEventsDlq, 'web')).toBe(false);
    expect(decide('operator', 'sqs:ReceiveMessage', arn.ledgerEventsDlq)).toBe(false);
    expect(decide('operator', 'sqs:ReceiveMessage', arn.ledgerEventsQueue, 'ledger')).toBe(false);
  });
});
