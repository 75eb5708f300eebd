// Policy variables, citing the IAM User Guide page "IAM policy elements: Variables and tags"
// (VARS): where IAM substitutes them, default values, the special characters, and what a
// variable without a value in the request means.
import { describe, expect, it } from 'vitest';
import {
  evaluateIdentityPolicies,
  PolicyError,
  validatePolicy,
  type RequestContext,
  type Statement,
} from '../src/index.ts';

const may = (statement: Statement, action: string, resource: string, context: RequestContext = {}) =>
  evaluateIdentityPolicies([{ Version: '2012-10-17', Statement: [statement] }], {
    action,
    resource,
    context,
  });

const home = (resource: string | string[]): Statement => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: resource,
});
const listIf = (condition: Statement['Condition']): Statement => ({
  Effect: 'Allow',
  Action: 's3:ListBucket',
  Resource: 'arn:aws:s3:::keyless-files',
  Condition: condition,
});
const list = (condition: Statement['Condition'], context: RequestContext) =>
  may(listIf(condition), 's3:ListBucket', 'arn:aws:s3:::keyless-files', context).allowed;

describe('IAM policy elements: Variables and tags (VARS)', () => {
  interface Row {
    cites: string;
    resource: string;
    target: string;
    context: RequestContext;
    allowed: boolean;
  }
  // prettier-ignore
  const rows: Row[] = [
    { cites: 'Resource: ${aws:username} is replaced by the request value', resource: 'arn:aws:s3:::keyless-files/home/${aws:username}/*', target: 'arn:aws:s3:::keyless-files/home/alice/a', context: { 'aws:username': 'alice' }, allowed: true },
    { cites: "Resource: another user's folder does not match", resource: 'arn:aws:s3:::keyless-files/home/${aws:username}/*', target: 'arn:aws:s3:::keyless-files/home/bob/a', context: { 'aws:username': 'alice' }, allowed: false },
    { cites: 'Resource: a variable with no value makes the element match no resource', resource: 'arn:aws:s3:::keyless-files/home/${aws:username}/*', target: 'arn:aws:s3:::keyless-files/home//a', context: {}, allowed: false },
    { cites: 'Resource: key names are case-insensitive', resource: 'arn:aws:s3:::keyless-files/${AWS:PrincipalTag/team}/*', target: 'arn:aws:s3:::keyless-files/reports/a', context: { 'aws:principaltag/team': 'reports' }, allowed: true },
    { cites: 'Default values: the default is used when the key is absent', resource: "arn:aws:s3:::keyless-files/${aws:PrincipalTag/team, 'company-wide'}/*", target: 'arn:aws:s3:::keyless-files/company-wide/a', context: {}, allowed: true },
    { cites: 'Default values: the request value wins when present', resource: "arn:aws:s3:::keyless-files/${aws:PrincipalTag/team, 'company-wide'}/*", target: 'arn:aws:s3:::keyless-files/company-wide/a', context: { 'aws:PrincipalTag/team': 'yellow' }, allowed: false },
    { cites: 'Special characters: ${*} is a literal *, not a wildcard', resource: 'arn:aws:s3:::keyless-files/star${*}', target: 'arn:aws:s3:::keyless-files/starry', context: {}, allowed: false },
    { cites: 'Special characters: ${*} matches a literal *', resource: 'arn:aws:s3:::keyless-files/star${*}', target: 'arn:aws:s3:::keyless-files/star*', context: {}, allowed: true },
    { cites: 'Special characters: ${?} is a literal ?', resource: 'arn:aws:s3:::keyless-files/what${?}', target: 'arn:aws:s3:::keyless-files/whatx', context: {}, allowed: false },
    { cites: 'Special characters: ${$} is a literal $', resource: 'arn:aws:s3:::keyless-files/${$}{x}', target: 'arn:aws:s3:::keyless-files/${x}', context: {}, allowed: true },
    { cites: 'a substituted value is literal: a * in the request value is no wildcard', resource: 'arn:aws:s3:::keyless-files/home/${aws:username}', target: 'arn:aws:s3:::keyless-files/home/alice', context: { 'aws:username': '*' }, allowed: false },
    { cites: 'a substituted colon stays in its ARN part', resource: 'arn:aws:s3:::keyless-files/${aws:userid}/*', target: 'arn:aws:s3:::keyless-files/AROAEXAMPLE:sess/a', context: { 'aws:userid': 'AROAEXAMPLE:sess' }, allowed: true },
  ];
  it.each(rows)('$cites', ({ resource, target, context, allowed }) => {
    expect(may(home(resource), 's3:GetObject', target, context).allowed).toBe(allowed);
  });

  it('NotResource: a variable with no value excludes nothing, so the Allow applies', () => {
    const statement: Statement = {
      Effect: 'Allow',
      Action: 's3:GetObject',
      NotResource: 'arn:aws:s3:::keyless-files/${aws:PrincipalTag/team}/*',
    };
    expect(may(statement, 's3:GetObject', 'arn:aws:s3:::keyless-files/reports/a').allowed).toBe(true);
    expect(
      may(statement, 's3:GetObject', 'arn:aws:s3:::keyless-files/reports/a', {
        'aws:PrincipalTag/team': 'reports',
      }).allowed,
    ).toBe(false);
  });

  it.each([
    [
      'StringLike ${s3:prefix}-style value matches',
      { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
      { 's3:prefix': 'home/alice/x', 'aws:username': 'alice' },
      true,
    ],
    [
      'StringLike with the variable absent: no like value',
      { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
      { 's3:prefix': 'home/alice/x' },
      false,
    ],
    [
      'StringEquals between two keys (principal tag = resource tag)',
      { StringEquals: { 's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}' } },
      { 's3:ExistingObjectTag/team': 'a', 'aws:PrincipalTag/team': 'a' },
      true,
    ],
    [
      'StringEquals with the variable absent does not match',
      { StringEquals: { 's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}' } },
      { 's3:ExistingObjectTag/team': 'a' },
      false,
    ],
    [
      'StringNotEquals with the variable absent matches (nothing equals a null value)',
      { StringNotEquals: { 's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}' } },
      { 's3:ExistingObjectTag/team': 'a' },
      true,
    ],
    [
      'StringNotLike with the variable absent matches',
      { StringNotLike: { 's3:prefix': '${aws:username}/*' } },
      { 's3:prefix': 'x/y' },
      true,
    ],
    [
      'StringEquals: ${*} is compared as a literal *',
      { StringEquals: { 's3:prefix': '${*}' } },
      { 's3:prefix': '*' },
      true,
    ],
    [
      'ArnLike with a variable in the resource part',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:${aws:PrincipalAccount}:*' } },
      { 'aws:SourceArn': 'arn:aws:sqs:eu-west-1:111122223333:q', 'aws:PrincipalAccount': '111122223333' },
      true,
    ],
    [
      'ArnLike: another account does not match',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:${aws:PrincipalAccount}:*' } },
      { 'aws:SourceArn': 'arn:aws:sqs:eu-west-1:444455556666:q', 'aws:PrincipalAccount': '111122223333' },
      false,
    ],
    [
      'ForAnyValue:StringLike with a variable',
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': '${aws:username}-*' } },
      { 'aws:TagKeys': ['x', 'alice-cost'], 'aws:username': 'alice' },
      true,
    ],
  ] as const)('Condition: %s', (_name, condition, context, allowed) => {
    expect(list(condition, context)).toBe(allowed);
  });

  it('names the missing variable in the reason', () => {
    const result = may(
      home('arn:aws:s3:::keyless-files/home/${aws:username}/*'),
      's3:GetObject',
      'arn:aws:s3:::keyless-files/home/a/b',
    );
    expect(result.reason).toContain(
      "('arn:aws:s3:::keyless-files/home/${aws:username}/*' matches nothing because 'aws:username' is absent from the request)",
    );
  });

  it('shows the substituted value in a failed condition', () => {
    const result = may(
      listIf({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } }),
      's3:ListBucket',
      'arn:aws:s3:::keyless-files',
      {
        's3:prefix': 'home/bob/',
        'aws:username': 'alice',
      },
    );
    expect(result.reason).toMatch(
      /^condition StringLike on 's3:prefix' expected a match for 'home\/alice\/\*', got 'home\/bob\/'/,
    );
  });

  it('refuses a multivalued key as a variable (only single-valued keys can be)', () => {
    expect(() =>
      may(home('arn:aws:s3:::keyless-files/${aws:TagKeys}'), 's3:GetObject', 'arn:aws:s3:::keyless-files/a', {
        'aws:TagKeys': ['a', 'b'],
      }),
    ).toThrow(/multivalued key 'aws:TagKeys' as a policy variable/);
  });
});

describe('VARS "Where you can use policy variables": validatePolicy', () => {
  const validate = (statement: Record<string, unknown>, policyVariables = true) =>
    validatePolicy({ Version: '2012-10-17', Statement: [statement] }, 'identity', undefined, {
      policyVariables,
    });
  const s3 = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

  it.each([
    [
      'in Action',
      { ...s3, Action: 's3:${x}' },
      /Action: 's3:\$\{x\}' uses a policy variable; IAM does not substitute policy variables in this element/,
    ],
    [
      'in a condition key',
      { ...s3, Condition: { StringEquals: { '${x}': 'a' } } },
      /IAM does not substitute policy variables in this element/,
    ],
    [
      'with a Numeric operator',
      { ...s3, Condition: { NumericLessThan: { n: '${x}' } } },
      /only for String and ARN operators/,
    ],
    [
      'with Bool',
      { ...s3, Condition: { Bool: { 'aws:SecureTransport': '${x}' } } },
      /only for String and ARN operators/,
    ],
    ['with Null', { ...s3, Condition: { Null: { k: '${x}' } } }, /only for String and ARN operators/],
    ['unterminated', { ...s3, Resource: 'arn:aws:s3:::b/${aws:username' }, /malformed policy variable/],
    [
      'with a bad default',
      { ...s3, Resource: 'arn:aws:s3:::b/${aws:username, default}' },
      /malformed policy variable/,
    ],
  ])('refuses a variable %s', (_name, statement, error) => {
    expect(() => validate(statement)).toThrow(PolicyError);
    expect(() => validate(statement)).toThrow(error);
  });

  it('refuses every variable without { policyVariables: true }', () => {
    expect(() => validate({ ...s3, Resource: 'arn:aws:s3:::b/${aws:username}/*' }, false)).toThrow(
      /uses a policy variable; policy variables are refused unless validatePolicy is given \{ policyVariables: true \}/,
    );
  });

  it('accepts variables in Resource, NotResource and String/ARN values', () => {
    expect(() =>
      validate({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        NotResource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}",
        Condition: {
          StringLike: { 's3:prefix': '${aws:username}/*' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:${aws:PrincipalAccount}:q' },
        },
      }),
    ).not.toThrow();
  });
});
