// Policies the evaluator refuses rather than mis-evaluates. IAM itself rejects most of these
// with MalformedPolicyDocument; policy variables are valid IAM, refused by validatePolicy unless
// it is given { policyVariables: true } (what the evaluators pass), and then only where IAM
// substitutes them ("IAM policy elements: Variables and tags").
import { describe, expect, it } from 'vitest';
import {
  evaluateIdentityPolicies,
  evaluateTrustPolicy,
  PolicyError,
  validatePolicy,
  type PolicyDocument,
  type PolicyKind,
} from '../src/index.ts';

interface Row {
  name: string;
  kind: PolicyKind;
  statement: Record<string, unknown>;
  error: RegExp;
}

const s3 = { Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const assume = { Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };

// prettier-ignore
const rows: Row[] = [
  { name: 'a policy variable in Resource', kind: 'identity', statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' }, error: /Statement\[0\]\.Resource: .*uses a policy variable/ },
  { name: 'a policy variable in a condition value', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { StringLike: { 's3:prefix': '${aws:username}/*' } } }, error: /Condition\.StringLike\['s3:prefix'\]: .*policy variable/ },
  { name: 'an unknown condition operator', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { StringEqual: { k: 'v' } } }, error: /unsupported condition operator 'StringEqual'; supported: StringEquals/ },
  { name: 'an operator outside the supported set', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, error: /unsupported condition operator 'IpAddress'/ },
  { name: 'Null with IfExists', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { NullIfExists: { k: 'true' } } }, error: /Null takes neither IfExists nor a set operator/ },
  { name: 'Null with a set operator', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { 'ForAnyValue:Null': { k: 'true' } } }, error: /Null takes neither/ },
  { name: 'a Null value other than true/false', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { Null: { k: 'yes' } } }, error: /'yes' is not true or false/ },
  { name: 'a non-numeric Numeric value', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { NumericLessThan: { n: 'ten' } } }, error: /'ten' is not a number/ },
  { name: 'a non-date Date value', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { DateLessThan: { d: 'tomorrow' } } }, error: /'tomorrow' is not a date/ },
  { name: 'a non-ARN Arn value', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { ArnLike: { 'aws:SourceArn': 'bucket' } } }, error: /'bucket' is not an ARN/ },
  { name: 'an empty condition value list', kind: 'identity', statement: { Effect: 'Allow', ...s3, Condition: { StringEquals: { k: [] } } }, error: /non-empty array/ },
  { name: 'a misspelled element', kind: 'identity', statement: { Effect: 'Allow', Actions: 's3:GetObject', Resource: '*' }, error: /unknown field 'Actions'/ },
  { name: 'a missing Action', kind: 'identity', statement: { Effect: 'Allow', Resource: '*' }, error: /exactly one of Action or NotAction/ },
  { name: 'both Action and NotAction', kind: 'identity', statement: { Effect: 'Allow', Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*' }, error: /exactly one of Action or NotAction/ },
  { name: 'a malformed action', kind: 'identity', statement: { Effect: 'Allow', Action: 'GetObject', Resource: '*' }, error: /'GetObject' is not '\*' or 'service:Action'/ },
  { name: 'a malformed resource', kind: 'identity', statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'my-bucket/*' }, error: /'my-bucket\/\*' is not '\*' or an ARN/ },
  { name: 'a bad Effect', kind: 'identity', statement: { Effect: 'allow', ...s3 }, error: /Effect: must be 'Allow' or 'Deny'/ },
  { name: 'a Sid with punctuation', kind: 'identity', statement: { Sid: 'read-reports', Effect: 'Allow', ...s3 }, error: /Sid: must contain only letters and digits/ },
  { name: 'a Principal in an identity policy', kind: 'identity', statement: { Effect: 'Allow', Principal: '*', ...s3 }, error: /Principal: is not allowed in this kind of policy/ },
  { name: 'a Resource in a trust policy', kind: 'trust', statement: { Effect: 'Allow', ...assume, Resource: '*' }, error: /Resource: is not allowed in this kind of policy/ },
  { name: 'a trust statement without Principal', kind: 'trust', statement: { Effect: 'Allow', Action: 'sts:AssumeRole' }, error: /exactly one of Principal or NotPrincipal/ },
  { name: 'an unsupported principal type', kind: 'trust', statement: { Effect: 'Allow', Principal: { CanonicalUser: 'abc' }, Action: 'sts:AssumeRole' }, error: /Principal\.CanonicalUser: unsupported principal type/ },
];

describe('validatePolicy', () => {
  it.each(rows)('refuses $name', ({ kind, statement, error }) => {
    const document = { Version: '2012-10-17', Statement: [statement] };
    expect(() => validatePolicy(document, kind)).toThrow(PolicyError);
    expect(() => validatePolicy(document, kind)).toThrow(error);
  });

  it('refuses the 2008 policy language version', () => {
    expect(() =>
      validatePolicy({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', ...s3 }] }, 'identity'),
    ).toThrow(/Version: must be '2012-10-17'/);
  });

  it('refuses an empty Statement list', () => {
    expect(() => validatePolicy({ Version: '2012-10-17', Statement: [] }, 'trust')).toThrow(
      /non-empty array/,
    );
  });

  it('accepts a well-formed policy', () => {
    expect(() =>
      validatePolicy(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Read',
              Effect: 'Allow',
              ...s3,
              Condition: { 'ForAllValues:StringLike': { k: ['a*', 1, true] } },
            },
          ],
        },
        'identity',
      ),
    ).not.toThrow();
  });

  it('is applied by both evaluators, naming the policy', () => {
    const bad: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${x' }],
    };
    expect(() =>
      evaluateIdentityPolicies({ permissions: bad }, { action: 's3:GetObject', resource: 'arn:aws:s3:::b' }),
    ).toThrow(/^identity policy 'permissions' Statement\[0\]\.Resource/);
    expect(() =>
      evaluateTrustPolicy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
        },
        {
          principal: { type: 'Service', id: 'lambda.amazonaws.com' },
          action: 'sts:AssumeRole',
        },
      ),
    ).toThrow(/^trust policy Statement\[0\]\.Resource/);
  });
});
