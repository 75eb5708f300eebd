import { describe, expect, it } from 'vitest';
import { cloudTrailRecord } from '../../src/trail/cloudtrail-record.ts';
import { redactParameters } from '../../src/trail/redact-parameters.ts';
import { roleIdFor, samlNameQualifier } from '../../src/trail/user-identity.ts';
import {
  account,
  apiSession,
  deploySessionKeyId,
  queueUrl,
  rootSession,
  s3GetObjectAllowed,
  s3GetObjectUpstreamFailure,
  sqsDeleteMessageDenied,
  webIdentityAssumeRole,
} from './trail-fixtures.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('cloudTrailRecord', () => {
  it('records an assumed role reading an S3 object as a data event with the session it used', () => {
    const record = cloudTrailRecord(s3GetObjectAllowed);
    const roleId = roleIdFor(`arn:aws:iam::${account}:role/keyless-api`);
    expect(record).toEqual({
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `${roleId}:api-task-1`,
        arn: apiSession.arn,
        accountId: account,
        accessKeyId: apiSession.accessKeyId,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: roleId,
            arn: `arn:aws:iam::${account}:role/keyless-api`,
            accountId: account,
            userName: 'keyless-api',
          },
          attributes: { creationDate: '2026-03-01T09:59:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: '2026-03-01T10:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      userAgent: 'aws-sdk-js/3.1169.0',
      requestParameters: { bucketName: 'keyless-files', key: 'uploads/a.txt', Host: 'localhost' },
      responseElements: null,
      additionalEventData: { decision: 'allowed' },
      requestID: 'EMULATOR-REQUEST-1',
      eventID: expect.stringMatching(uuid),
      readOnly: true,
      resources: [{ ARN: 'arn:aws:s3:::keyless-files/uploads/a.txt' }],
      eventType: 'AwsApiCall',
      managementEvent: false,
      recipientAccountId: account,
      eventCategory: 'Data',
    });
    expect(record).not.toHaveProperty('errorCode');
    expect(record).not.toHaveProperty('tlsDetails');
    expect(roleId).toMatch(/^AROA[A-Z2-7]{17}$/);
  });

  it('gives every record its own eventID, and the same role the same principal id', () => {
    const [first, second] = [cloudTrailRecord(s3GetObjectAllowed), cloudTrailRecord(s3GetObjectAllowed)];
    expect(first.eventID).not.toBe(second.eventID);
    expect(first.userIdentity.principalId).toBe(second.userIdentity.principalId);
    const withEmulatorId = cloudTrailRecord({
      ...s3GetObjectAllowed,
      caller: { type: 'session', session: apiSession, roleId: 'AROAEMULATORROLEID01' },
    });
    expect(withEmulatorId.userIdentity.principalId).toBe('AROAEMULATORROLEID01:api-task-1');
  });

  it('records a denied SQS DeleteMessage with its error code and message, and no response', () => {
    const record = cloudTrailRecord(sqsDeleteMessageDenied);
    expect(record).toMatchObject({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'DeleteMessage',
      errorCode: 'AccessDenied',
      errorMessage: expect.stringContaining('is not authorized to perform: sqs:DeleteMessage'),
      requestParameters: { queueUrl, receiptHandle: 'AQEB-handle' },
      responseElements: null,
      additionalEventData: { decision: 'denied', reason: 'no identity-based policy allows the action' },
      readOnly: false,
      eventCategory: 'Data',
      managementEvent: false,
      eventTime: '2026-03-01T10:05:00Z',
    });
    expect(record.requestID).toMatch(uuid);
  });

  it('records an upstream failure as allowed by the gate, with the emulator error code', () => {
    const record = cloudTrailRecord(s3GetObjectUpstreamFailure);
    expect(record).toMatchObject({
      errorCode: 'NoSuchKey',
      errorMessage: 'The specified key does not exist.',
      additionalEventData: { decision: 'allowed' },
    });
  });

  it('records AssumeRoleWithWebIdentity with the web identity and no secret in its response', () => {
    const record = cloudTrailRecord(webIdentityAssumeRole);
    expect(record.userIdentity).toEqual({
      type: 'WebIdentityUser',
      principalId:
        'token.actions.githubusercontent.com:sts.amazonaws.com:repo:keyless/keyless:ref:refs/heads/main',
      userName: 'repo:keyless/keyless:ref:refs/heads/main',
      identityProvider: 'token.actions.githubusercontent.com',
    });
    expect(record.requestParameters).toEqual({
      roleArn: `arn:aws:iam::${account}:role/keyless-deploy`,
      roleSessionName: 'gh-run-7',
      durationSeconds: 3600,
    });
    expect(record.responseElements).toEqual({
      credentials: { accessKeyId: deploySessionKeyId, expiration: '2026-03-01T11:00:00.000Z' },
      assumedRoleUser: {
        assumedRoleId: 'AROADEPLOY:gh-run-7',
        arn: `arn:aws:sts::${account}:assumed-role/keyless-deploy/gh-run-7`,
      },
      subjectFromWebIdentityToken: 'repo:keyless/keyless:ref:refs/heads/main',
      provider: 'token.actions.githubusercontent.com',
      audience: 'sts.amazonaws.com',
    });
    const line = JSON.stringify(record);
    for (const secret of ['SECRETKEY', 'SESSIONTOKEN', 'eyJhbGciOiJSUzI1NiJ9'])
      expect(line).not.toContain(secret);
    expect(record).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      readOnly: false,
      eventCategory: 'Management',
      managementEvent: true,
      recipientAccountId: account,
    });
  });

  it('keeps only the key id and expiry of credentials already in CloudTrail casing', () => {
    const record = cloudTrailRecord({
      ...webIdentityAssumeRole,
      caller: { type: 'service', service: 'ecs-tasks.amazonaws.com' },
      operation: 'AssumeRole',
      outcome: {
        result: 'allowed',
        responseElements: {
          credentials: { accessKeyId: 'ASIA1', secretAccessKey: 'S', sessionToken: 'T', expiration: 'E' },
        },
      },
    });
    expect(record.responseElements).toEqual({ credentials: { accessKeyId: 'ASIA1', expiration: 'E' } });
    expect(record.userIdentity).toEqual({ type: 'AWSService', invokedBy: 'ecs-tasks.amazonaws.com' });
  });

  it('records the root key, a SAML subject and an unknown key as AWS names them', () => {
    expect(
      cloudTrailRecord({ ...s3GetObjectAllowed, caller: { type: 'session', session: rootSession } })
        .userIdentity,
    ).toEqual({
      type: 'Root',
      principalId: account,
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      accessKeyId: account,
    });
    const providerArn = `arn:aws:iam::${account}:saml-provider/corp`;
    const saml = cloudTrailRecord({
      ...webIdentityAssumeRole,
      operation: 'AssumeRoleWithSAML',
      caller: { type: 'saml', issuer: 'https://idp.example.com/saml', subject: 'alice', providerArn },
    });
    const qualifier = samlNameQualifier('https://idp.example.com/saml', providerArn);
    expect(saml.userIdentity).toEqual({
      type: 'SAMLUser',
      principalId: `${qualifier}:alice`,
      userName: 'alice',
      identityProvider: qualifier,
    });
    expect(
      cloudTrailRecord({ ...s3GetObjectAllowed, caller: { type: 'unknown', accessKeyId: 'AKIAUNKNOWN' } })
        .userIdentity,
    ).toEqual({ type: 'Unknown', accessKeyId: 'AKIAUNKNOWN' });
  });

  it('adds tlsDetails only for a request that came over TLS', () => {
    const record = cloudTrailRecord({
      ...s3GetObjectAllowed,
      tls: { version: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', host: 'localhost:4443' },
    });
    expect(record.tlsDetails).toEqual({
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'localhost:4443',
    });
  });

  it('keeps response elements of a write, redacted, and drops them for a read', () => {
    const write = cloudTrailRecord({
      ...sqsDeleteMessageDenied,
      operation: 'SendMessage',
      outcome: { result: 'allowed', responseElements: { messageId: 'm-1', messageBody: 'hello' } },
    });
    expect(write.responseElements).toEqual({ messageId: 'm-1' });
    const read = cloudTrailRecord({
      ...s3GetObjectAllowed,
      outcome: { result: 'allowed', responseElements: { eTag: 'x' } },
    });
    expect(read.responseElements).toBeNull();
  });
});

describe('redactParameters', () => {
  it('drops secret-bearing keys at any depth, whatever their casing', () => {
    const redacted = redactParameters({
      secretId: 'ledger/writer',
      SecretString: '{"password":"p"}',
      secretBinary: new Uint8Array([1, 2, 3]),
      queueUrl,
      MessageBody: 'a private message',
      Entries: [{ Id: '1', MessageBody: 'another' }],
      body: 'file contents',
      Password: 'hunter2',
      TemporaryPassword: 'Temp#1',
      WebIdentityToken: 'eyJ...',
      SAMLAssertion: 'PHNhbWw...',
      nested: { deeper: { sessionToken: 'T', keep: 'me' } },
    });
    expect(redacted).toEqual({
      secretId: 'ledger/writer',
      queueUrl,
      Entries: [{ Id: '1' }],
      nested: { deeper: { keep: 'me' } },
    });
  });

  it('keeps the names of item attributes and expression values but hides their values', () => {
    const redacted = redactParameters({
      tableName: 'ledger-events',
      Item: { pk: { S: 'tenant#1' }, amount: { N: '12' } },
      key: { pk: { S: 'tenant#1' } },
      ExpressionAttributeValues: { ':amount': { N: '12' } },
      TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'x' } } } }],
    });
    expect(redacted).toEqual({
      tableName: 'ledger-events',
      Item: { pk: 'HIDDEN_DUE_TO_SECURITY_REASONS', amount: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      key: { pk: { S: 'tenant#1' } },
      ExpressionAttributeValues: { ':amount': 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      TransactItems: [{ Put: { TableName: 't', Item: { pk: 'HIDDEN_DUE_TO_SECURITY_REASONS' } } }],
    });
  });

  it('replaces anything over 1 KiB by its size, and keeps what fits', () => {
    const redacted = redactParameters({
      policy: 'x'.repeat(2000),
      tags: Array.from({ length: 200 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
      small: 'y'.repeat(1024),
      upload: new Uint8Array(5000),
    });
    expect(redacted?.policy).toEqual({ omitted: '2000 bytes' });
    expect(redacted?.tags).toEqual({ omitted: expect.stringMatching(/^\d{4,} bytes$/) });
    expect(redacted?.small).toBe('y'.repeat(1024));
    expect(redacted?.upload).toEqual({ omitted: '5000 bytes' });
  });

  it('applies to what the record builder is given, even when the caller forgot', () => {
    const record = cloudTrailRecord({
      ...s3GetObjectAllowed,
      operation: 'PutObject',
      requestParameters: { bucketName: 'keyless-files', key: 'k', Body: 'the file itself' },
    });
    expect(record.requestParameters).toEqual({ bucketName: 'keyless-files', key: 'k' });
    expect(redactParameters(undefined)).toBeNull();
  });
});
