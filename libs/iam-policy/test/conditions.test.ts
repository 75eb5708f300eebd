// Each row checks one behaviour that the IAM User Guide documents; `cites` names the page and
// the rule. Pages: "IAM JSON policy elements: Condition operators" (OPS), "Conditions with
// multiple context keys or values" (MULTI), "Single-valued vs. multivalued context keys" (SETS),
// "IAM JSON policy elements: Condition" (COND).
import { describe, expect, it } from 'vitest';
import {
  evaluateIdentityPolicies,
  PolicyError,
  type ConditionBlock,
  type RequestContext,
} from '../src/index.ts';

function conditionHolds(condition: ConditionBlock, context: RequestContext): boolean {
  return evaluateIdentityPolicies(
    [
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition }],
      },
    ],
    { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context },
  ).allowed;
}

interface Row {
  cites: string;
  condition: ConditionBlock;
  context: RequestContext;
  holds: boolean;
}

// prettier-ignore
const rows: Row[] = [
  // String operators
  { cites: 'OPS String: StringEquals is exact', condition: { StringEquals: { k: 'prod' } }, context: { k: 'prod' }, holds: true },
  { cites: 'OPS String: StringEquals is case-sensitive', condition: { StringEquals: { k: 'prod' } }, context: { k: 'Prod' }, holds: false },
  { cites: 'OPS String: StringEqualsIgnoreCase ignores case', condition: { StringEqualsIgnoreCase: { k: 'prod' } }, context: { k: 'PROD' }, holds: true },
  { cites: 'OPS String: StringNotEqualsIgnoreCase ignores case', condition: { StringNotEqualsIgnoreCase: { k: 'prod' } }, context: { k: 'PROD' }, holds: false },
  { cites: 'OPS String: StringNotEquals with a different value', condition: { StringNotEquals: { k: 'prod' } }, context: { k: 'dev' }, holds: true },
  { cites: 'OPS String: StringNotEquals with the same value', condition: { StringNotEquals: { k: 'prod' } }, context: { k: 'prod' }, holds: false },
  { cites: 'OPS: a key absent from the request fails a positive operator', condition: { StringEquals: { k: 'prod' } }, context: {}, holds: false },
  { cites: 'OPS: a negated operator (StringNotEquals) is true when the key is absent', condition: { StringNotEquals: { k: 'prod' } }, context: {}, holds: true },
  { cites: 'OPS: a negated operator (StringNotLike) is true when the key is absent', condition: { StringNotLike: { k: 'p*' } }, context: {}, holds: true },
  { cites: 'OPS String: StringLike * matches across / and :', condition: { StringLike: { sub: 'repo:o/r:*' } }, context: { sub: 'repo:o/r:ref:refs/heads/main' }, holds: true },
  { cites: 'OPS String: StringLike ? matches exactly one character', condition: { StringLike: { k: 'v?' } }, context: { k: 'v1' }, holds: true },
  { cites: 'OPS String: StringLike ? does not match two characters', condition: { StringLike: { k: 'v?' } }, context: { k: 'v10' }, holds: false },
  { cites: 'OPS String: StringLike is case-sensitive', condition: { StringLike: { k: 'repo:O/*' } }, context: { k: 'repo:o/r' }, holds: false },
  { cites: 'OPS String: StringNotLike with a matching value', condition: { StringNotLike: { k: 'repo:o/*' } }, context: { k: 'repo:o/r' }, holds: false },
  // How values, keys and operators combine
  { cites: 'MULTI: several values for one key are ORed', condition: { StringEquals: { k: ['a', 'b'] } }, context: { k: 'b' }, holds: true },
  { cites: 'MULTI: several values for a negated operator are NORed (one matches)', condition: { StringNotEquals: { k: ['a', 'b'] } }, context: { k: 'b' }, holds: false },
  { cites: 'MULTI: several values for a negated operator are NORed (none matches)', condition: { StringNotEquals: { k: ['a', 'b'] } }, context: { k: 'c' }, holds: true },
  { cites: 'MULTI: several keys in one operator are ANDed', condition: { StringEquals: { k1: 'a', k2: 'b' } }, context: { k1: 'a', k2: 'x' }, holds: false },
  { cites: 'MULTI: several operators are ANDed', condition: { StringEquals: { k1: 'a' }, StringLike: { k2: 'b*' } }, context: { k1: 'a', k2: 'xb' }, holds: false },
  { cites: 'MULTI: all operators and keys satisfied', condition: { StringEquals: { k1: 'a' }, StringLike: { k2: 'b*' } }, context: { k1: 'a', k2: 'bc' }, holds: true },
  { cites: 'COND: condition key names are not case-sensitive', condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } }, context: { 'aws:sourceaccount': '111122223333' }, holds: true },
  { cites: 'COND: condition values are case-sensitive for StringEquals', condition: { StringEquals: { 'aws:SourceAccount': 'abc' } }, context: { 'aws:SourceAccount': 'ABC' }, holds: false },
  // ...IfExists
  { cites: 'OPS IfExists: an absent key makes the condition true', condition: { StringEqualsIfExists: { k: 'a' } }, context: {}, holds: true },
  { cites: 'OPS IfExists: a present key is evaluated normally (mismatch)', condition: { StringEqualsIfExists: { k: 'a' } }, context: { k: 'b' }, holds: false },
  { cites: 'OPS IfExists: a present key is evaluated normally (match)', condition: { StringEqualsIfExists: { k: 'a' } }, context: { k: 'a' }, holds: true },
  { cites: 'OPS IfExists: works with other operator families', condition: { NumericLessThanIfExists: { n: 5 } }, context: {}, holds: true },
  // Null
  { cites: 'OPS Null: true means the key must be absent (absent)', condition: { Null: { k: 'true' } }, context: {}, holds: true },
  { cites: 'OPS Null: true means the key must be absent (present)', condition: { Null: { k: 'true' } }, context: { k: 'x' }, holds: false },
  { cites: 'OPS Null: false means the key must be present (present)', condition: { Null: { k: false } }, context: { k: 'x' }, holds: true },
  { cites: 'OPS Null: false means the key must be present (absent)', condition: { Null: { k: 'false' } }, context: {}, holds: false },
  { cites: 'OPS Null: an empty multivalued key counts as absent', condition: { Null: { k: 'true' } }, context: { k: [] }, holds: true },
  // Bool
  { cites: 'OPS Boolean: Bool matches true', condition: { Bool: { 'aws:SecureTransport': 'true' } }, context: { 'aws:SecureTransport': 'true' }, holds: true },
  { cites: 'OPS Boolean: Bool with an unquoted JSON boolean', condition: { Bool: { 'aws:SecureTransport': true } }, context: { 'aws:SecureTransport': 'true' }, holds: true },
  { cites: 'OPS Boolean: Bool mismatch', condition: { Bool: { 'aws:SecureTransport': 'true' } }, context: { 'aws:SecureTransport': 'false' }, holds: false },
  { cites: 'OPS Boolean: Bool on an absent key is false', condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, context: {}, holds: false },
  { cites: 'OPS Boolean: BoolIfExists on an absent key is true', condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, context: {}, holds: true },
  // Numeric
  { cites: 'OPS Numeric: NumericLessThan below', condition: { NumericLessThan: { n: '10' } }, context: { n: '5' }, holds: true },
  { cites: 'OPS Numeric: NumericLessThan equal is not less', condition: { NumericLessThan: { n: '10' } }, context: { n: '10' }, holds: false },
  { cites: 'OPS Numeric: NumericLessThanEquals equal', condition: { NumericLessThanEquals: { n: 10 } }, context: { n: '10' }, holds: true },
  { cites: 'OPS Numeric: NumericGreaterThan', condition: { NumericGreaterThan: { n: 10 } }, context: { n: '10.5' }, holds: true },
  { cites: 'OPS Numeric: NumericGreaterThanEquals', condition: { NumericGreaterThanEquals: { n: 10 } }, context: { n: '9' }, holds: false },
  { cites: 'OPS Numeric: NumericEquals compares numbers, not strings', condition: { NumericEquals: { n: 10 } }, context: { n: '10.0' }, holds: true },
  { cites: 'OPS Numeric: a non-numeric request value does not match', condition: { NumericEquals: { n: 10 } }, context: { n: 'ten' }, holds: false },
  { cites: 'OPS Numeric: NumericNotEquals is negated, so an absent key is true', condition: { NumericNotEquals: { n: 10 } }, context: {}, holds: true },
  // Date
  { cites: 'OPS Date: DateLessThan with ISO 8601', condition: { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, context: { 'aws:CurrentTime': '2025-12-31T23:59:59Z' }, holds: true },
  { cites: 'OPS Date: DateLessThan after the date', condition: { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, context: { 'aws:CurrentTime': '2026-01-01T00:00:01Z' }, holds: false },
  { cites: 'OPS Date: DateGreaterThan with epoch seconds', condition: { DateGreaterThan: { 'aws:EpochTime': '1767225600' } }, context: { 'aws:EpochTime': '1767225601' }, holds: true },
  // ARN
  { cites: 'OPS ARN: ArnLike with a wildcard resource part', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:*' } }, context: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:task/keyless/abc' }, holds: true },
  { cites: 'OPS ARN: ArnLike rejects another account', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:*' } }, context: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:444455556666:task/keyless/abc' }, holds: false },
  { cites: 'OPS ARN: ArnEquals accepts wildcards like ArnLike', condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:iam::*:role/app' } }, context: { 'aws:SourceArn': 'arn:aws:iam::111122223333:role/app' }, holds: true },
  { cites: 'OPS ARN: each colon-delimited part is matched separately', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:111122223333:q' } }, context: { 'aws:SourceArn': 'arn:aws:sqs:eu-west-1:999999999999:111122223333:q' }, holds: false },
  { cites: 'OPS ARN: ArnLike is case-sensitive', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::Bucket' } }, context: { 'aws:SourceArn': 'arn:aws:s3:::bucket' }, holds: false },
  { cites: 'OPS ARN: a request value that is not an ARN does not match', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, context: { 'aws:SourceArn': 'bucket' }, holds: false },
  { cites: 'OPS ARN: ArnNotLike is negated, so an absent key is true', condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, context: {}, holds: true },
  { cites: 'OPS ARN: ArnNotEquals with a matching ARN', condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::b' } }, context: { 'aws:SourceArn': 'arn:aws:s3:::b' }, holds: false },
  // Set operators
  { cites: 'SETS ForAnyValue: at least one request value matches a policy value', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['x', 'a'] }, holds: true },
  { cites: 'SETS ForAnyValue: no request value matches', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['x', 'y'] }, holds: false },
  { cites: 'SETS ForAnyValue: false when the key is absent', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }, context: {}, holds: false },
  { cites: 'SETS ForAnyValue: false for an empty set', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }, context: { 'aws:TagKeys': [] }, holds: false },
  { cites: 'SETS ForAnyValue with IfExists: true when the key is absent', condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' } }, context: {}, holds: true },
  { cites: 'SETS ForAnyValue with a negated operator: some value is not in the list', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'a' } }, context: { 'aws:TagKeys': ['a', 'c'] }, holds: true },
  { cites: 'SETS ForAnyValue with a negated operator: every value is in the list', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'a' } }, context: { 'aws:TagKeys': ['a'] }, holds: false },
  { cites: 'SETS ForAllValues: every request value matches some policy value', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b', 'c'] } }, context: { 'aws:TagKeys': ['a', 'b'] }, holds: true },
  { cites: 'SETS ForAllValues: one request value matches no policy value', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['a', 'x'] }, holds: false },
  { cites: 'SETS ForAllValues: true when the key is absent (fails open under Allow)', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } }, context: {}, holds: true },
  { cites: 'SETS ForAllValues: true for an empty set', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } }, context: { 'aws:TagKeys': [] }, holds: true },
  { cites: 'Multivalued examples: ForAllValues:StringNotLike, tags all prefixed key1', condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, context: { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] }, holds: false },
  { cites: 'Multivalued examples: ForAllValues:StringNotLike, no tag prefixed key1', condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, context: { 'aws:TagKeys': ['key2:audit'] }, holds: true },
  { cites: 'Multivalued examples: ForAllValues:StringNotLike, no aws:TagKeys in the request', condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, context: {}, holds: true },
  { cites: 'SETS: a single value in an array is a single-valued key', condition: { StringEquals: { k: 'a' } }, context: { k: ['a'] }, holds: true },
];

describe('condition operators', () => {
  it.each(rows)('$cites', ({ condition, context, holds }) => {
    expect(conditionHolds(condition, context)).toBe(holds);
  });

  it('refuses a single-valued operator on a key with several values (SETS: multivalued keys need a set operator)', () => {
    expect(() =>
      conditionHolds({ StringEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': ['a', 'b'] }),
    ).toThrow(/2 values \['a', 'b'\].*needs ForAnyValue: or ForAllValues:/);
  });

  it('refuses a request context that names one key twice in different case (COND: keys are case-insensitive)', () => {
    expect(() => conditionHolds({ StringEquals: { k: 'a' } }, { k: 'a', K: 'b' })).toThrow(PolicyError);
  });
});
