// The catalogue is what keeps the resolvers honest: these are the mistakes it must catch.
import { describe, expect, it } from 'vitest';
import {
  buildArn,
  catalogueAction,
  CatalogueMismatch,
  checkArn,
  checkConditionKey,
  isReadOnly,
} from '../../src/authorize/catalogue.ts';

const scope = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };

describe('catalogue', () => {
  it('knows real actions, case-insensitively, and refuses made-up ones', () => {
    expect(catalogueAction('s3:getobject').action).toBe('s3:GetObject');
    expect(() => catalogueAction('s3:GetObjects')).toThrow(CatalogueMismatch);
    expect(() => catalogueAction('sqs:SendMessageBatch')).toThrow(CatalogueMismatch);
    expect(() => catalogueAction('kinesis:PutRecord')).toThrow(/does not load/);
  });

  it('derives readOnly from the access level', () => {
    expect(isReadOnly('s3:ListBucket')).toBe(true);
    expect(isReadOnly('sqs:ReceiveMessage')).toBe(true);
    expect(isReadOnly('s3:PutObject')).toBe(false);
    expect(isReadOnly('sts:TagSession')).toBe(false);
  });

  it('builds ARNs from the format, and refuses missing or extra parts and wrong resource types', () => {
    expect(buildArn('dynamodb:Query', 'index', { TableName: 't', IndexName: 'i' }, scope)).toBe(
      'arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/i',
    );
    expect(() => buildArn('dynamodb:Query', 'index', { TableName: 't' }, scope)).toThrow(/IndexName/);
    expect(() => buildArn('s3:ListBucket', 'bucket', { BucketName: 'b', ObjectName: 'k' }, scope)).toThrow(
      /ObjectName/,
    );
    expect(() => buildArn('dynamodb:GetItem', 'index', { TableName: 't', IndexName: 'i' }, scope)).toThrow(
      /not authorized on resource type 'index'/,
    );
  });

  it('checks ARNs a request names against the format', () => {
    expect(checkArn('sts:AssumeRole', 'role', 'arn:aws:iam::111122223333:role/path/r', scope)).toBe(
      'arn:aws:iam::111122223333:role/path/r',
    );
    expect(() => checkArn('sts:AssumeRole', 'role', 'arn:aws-cn:iam::111122223333:role/r', scope)).toThrow();
    expect(() => checkArn('sts:AssumeRole', 'role', 'arn:aws:iam::111122223333:user/u', scope)).toThrow();
  });

  it('accepts only condition keys the action supports', () => {
    expect(() => checkConditionKey('s3:ListBucket', 's3:prefix')).not.toThrow();
    expect(() => checkConditionKey('s3:GetObject', 's3:prefix')).toThrow(CatalogueMismatch);
    expect(() => checkConditionKey('dynamodb:Scan', 'dynamodb:LeadingKeys')).toThrow(CatalogueMismatch);
    expect(() => checkConditionKey('sts:TagSession', 'aws:RequestTag/team')).not.toThrow();
    expect(() => checkConditionKey('secretsmanager:DescribeSecret', 'secretsmanager:VersionStage')).toThrow();
  });
});
