// describeDenial: the AccessDenied sentence of the IAM User Guide page "Troubleshoot access
// denied error messages" (`User: ... is not authorized to perform: ... on resource: ...`).
import { describe, expect, it } from 'vitest';
import { describeDenial, evaluateIdentityPolicies, evaluateRequest, type PolicyType } from '../src/index.ts';

const SESSION = 'arn:aws:sts::111122223333:assumed-role/api/sess';
const OBJECT = 'arn:aws:s3:::keyless-files/reports/x';
const who = { principalArn: SESSION, action: 's3:GetObject', resource: OBJECT };
const prefix = `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: ${OBJECT}`;

describe('Troubleshoot access denied error messages: describeDenial', () => {
  it.each([
    ['identity', 'implicit-deny', 'because no identity-based policy allows the s3:GetObject action'],
    ['identity', 'explicit-deny', 'with an explicit deny in an identity-based policy'],
    ['resource', 'implicit-deny', 'because no resource-based policy allows the s3:GetObject action'],
    ['resource', 'explicit-deny', 'with an explicit deny in a resource-based policy'],
    ['session', 'implicit-deny', 'because no session policy allows the s3:GetObject action'],
    ['session', 'explicit-deny', 'with an explicit deny in a session policy'],
    ['boundary', 'implicit-deny', 'because no permissions boundary allows the s3:GetObject action'],
    ['boundary', 'explicit-deny', 'with an explicit deny in a permissions boundary'],
  ] as const)('%s %s: "... %s"', (policyType: PolicyType, decision, tail) => {
    expect(describeDenial({ allowed: false, decision, policyType, reason: '' }, who)).toBe(
      `${prefix} ${tail}`,
    );
  });

  it('gives the message for an evaluateRequest denial', () => {
    const result = evaluateRequest({
      principal: { arn: SESSION, accountId: '111122223333' },
      action: 's3:GetObject',
      resource: OBJECT,
      identityPolicies: {
        permissions: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        },
      },
      sessionPolicies: [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] },
      ],
    });
    expect(describeDenial(result, who)).toBe(
      `${prefix} because no session policy allows the s3:GetObject action`,
    );
  });

  it('reads a result without policyType (evaluateIdentityPolicies) as identity-based', () => {
    const result = evaluateIdentityPolicies([], { action: 's3:GetObject', resource: OBJECT });
    expect(describeDenial(result, who)).toBe(
      `${prefix} because no identity-based policy allows the s3:GetObject action`,
    );
  });

  it('leaves out "on resource:" for an action on no particular resource', () => {
    expect(
      describeDenial(
        { allowed: false, decision: 'implicit-deny', policyType: 'identity', reason: '' },
        { principalArn: SESSION, action: 's3:ListAllMyBuckets' },
      ),
    ).toBe(
      `User: ${SESSION} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
    );
  });

  it('refuses an allowed result', () => {
    expect(() => describeDenial({ allowed: true, decision: 'allow', reason: 'allowed' }, who)).toThrow(
      /only a denial has a message/,
    );
  });
});
