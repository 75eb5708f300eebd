import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateRequest } from '../../src/gate-request.ts';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, permissions, refused, resolved } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
let secrets: SecretsManagerClient;
let sts: STSClient;
beforeAll(async () => {
  server = await startCaptureServer();
  secrets = new SecretsManagerClient(sdkConfig(server.endpoint));
  sts = new STSClient(sdkConfig(server.endpoint));
});
afterAll(() => server.close());

const SECRET_PREFIX = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:`;
const captureSecret = (command: object) => server.capture(() => sendCommand(secrets, command));

describe('Secrets Manager', () => {
  it('GetSecretValue by name, without a resolver: the `-??????` ARN, SecretId and the version keys', async () => {
    const request = await captureSecret(
      new GetSecretValueCommand({ SecretId: 'ledger/writer', VersionStage: 'AWSCURRENT', VersionId: 'v-1' }),
    );
    const result = resolved('secretsmanager', request);
    expect(result.protocol).toBe('json-1.1');
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([
      ['secretsmanager:GetSecretValue', `${SECRET_PREFIX}ledger/writer-??????`],
    ]);
    expect(result.authorizations[0]?.context).toEqual({
      'secretsmanager:SecretId': 'ledger/writer',
      'secretsmanager:VersionStage': 'AWSCURRENT',
      'secretsmanager:VersionId': 'v-1',
    });
  });

  it('GetSecretValue by name with a resolver: the real ARN', async () => {
    const request = await captureSecret(new GetSecretValueCommand({ SecretId: 'ledger/writer' }));
    const secretArn = (id: string) =>
      id === 'ledger/writer' ? `${SECRET_PREFIX}ledger/writer-AbCdEf` : undefined;
    const result = resolved('secretsmanager', request, { secretArn });
    expect(permissions(result)).toEqual([
      ['secretsmanager:GetSecretValue', `${SECRET_PREFIX}ledger/writer-AbCdEf`],
    ]);
  });

  it('GetSecretValue by full ARN takes the ARN as given', async () => {
    const arn = `${SECRET_PREFIX}ledger/reader-XyZ123`;
    const result = resolved(
      'secretsmanager',
      await captureSecret(new GetSecretValueCommand({ SecretId: arn })),
    );
    expect(permissions(result)).toEqual([['secretsmanager:GetSecretValue', arn]]);
  });

  it('a resolver answering with something that is not a secret ARN is refused (fails closed)', async () => {
    const request = await captureSecret(new GetSecretValueCommand({ SecretId: 'ledger/writer' }));
    const failure = refused('secretsmanager', request, { secretArn: () => 'arn:aws:s3:::not-a-secret' });
    expect(failure.error.code).toBe('AccessDeniedException');
    expect(failure.error.message).toContain('IAM catalogue');
  });

  it('DescribeSecret is secretsmanager:DescribeSecret with SecretId', async () => {
    const result = resolved(
      'secretsmanager',
      await captureSecret(new DescribeSecretCommand({ SecretId: 'ledger/reader' })),
    );
    expect(result.operation).toBe('DescribeSecret');
    expect(permissions(result)).toEqual([
      ['secretsmanager:DescribeSecret', `${SECRET_PREFIX}ledger/reader-??????`],
    ]);
    expect(result.authorizations[0]?.context).toEqual({ 'secretsmanager:SecretId': 'ledger/reader' });
  });

  it('PutSecretValue: a write, and the trail never holds the secret', async () => {
    const result = resolved(
      'secretsmanager',
      await captureSecret(
        new PutSecretValueCommand({ SecretId: 'ledger/writer', SecretString: 'hunter2-password' }),
      ),
    );
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([
      ['secretsmanager:PutSecretValue', `${SECRET_PREFIX}ledger/writer-??????`],
    ]);
    expect(JSON.stringify(result.requestParameters)).not.toContain('hunter2');
    expect(result.requestParameters).toMatchObject({ secretId: 'ledger/writer', secretStringBytes: 16 });
  });

  it('RotateSecret is not mapped: refused as AccessDeniedException naming it', async () => {
    const failure = refused(
      'secretsmanager',
      await captureSecret(new RotateSecretCommand({ SecretId: 'ledger/writer' })),
    );
    expect(failure.error).toMatchObject({ status: 400, code: 'AccessDeniedException' });
    expect(failure.error.message).toContain('RotateSecret');
  });
});

describe('STS', () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-eu-west-1`;

  it('GetCallerIdentity needs no authorization (AWS always allows it)', async () => {
    const result = resolved('sts', await server.capture(() => sts.send(new GetCallerIdentityCommand({}))));
    expect(result.protocol).toBe('query');
    expect(result.operation).toBe('GetCallerIdentity');
    expect(result.readOnly).toBe(true);
    expect(result.authorizations).toEqual([]);
  });

  it('AssumeRole is sts:AssumeRole on the role with sts:RoleSessionName', async () => {
    const result = resolved(
      'sts',
      await server.capture(() =>
        sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'deploy-1' })),
      ),
    );
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([['sts:AssumeRole', ROLE]]);
    expect(result.authorizations[0]?.context).toEqual({ 'sts:RoleSessionName': 'deploy-1' });
  });

  it('AssumeRole with tags adds sts:TagSession, both with aws:RequestTag/* and aws:TagKeys', async () => {
    const result = resolved(
      'sts',
      await server.capture(() =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: ROLE,
            RoleSessionName: 's',
            Tags: [
              { Key: 'kubernetes-namespace', Value: 'keyless' },
              { Key: 'kubernetes-service-account', Value: 'usage-reporter' },
            ],
            TransitiveTagKeys: ['kubernetes-namespace'],
            ExternalId: 'ext',
          }),
        ),
      ),
    );
    const tags = {
      'aws:RequestTag/kubernetes-namespace': 'keyless',
      'aws:RequestTag/kubernetes-service-account': 'usage-reporter',
      'aws:TagKeys': ['kubernetes-namespace', 'kubernetes-service-account'],
      'sts:TransitiveTagKeys': ['kubernetes-namespace'],
    };
    expect(permissions(result)).toEqual([
      ['sts:AssumeRole', ROLE],
      ['sts:TagSession', ROLE],
    ]);
    expect(result.authorizations[0]?.context).toEqual({
      'sts:RoleSessionName': 's',
      'sts:ExternalId': 'ext',
      ...tags,
    });
    expect(result.authorizations[1]?.context).toEqual(tags);
  });

  it('a RoleArn that is not a role ARN is refused', async () => {
    const request = await server.capture(() =>
      sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:s3:::bucket', RoleSessionName: 's' })),
    );
    expect(refused('sts', request).error).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('GetSessionToken is not mapped: refused, in the query protocol', async () => {
    const failure = refused('sts', await server.capture(() => sts.send(new GetSessionTokenCommand({}))));
    expect(failure.protocol).toBe('query');
    expect(failure.error.message).toContain('GetSessionToken');
  });
});

describe('CloudWatch Logs (no Logs client among the dev dependencies: the JSON 1.1 request by hand)', () => {
  const logs = (operation: string, body: object): GateRequest => ({
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` },
    body: Buffer.from(JSON.stringify(body)),
    sourceIp: '127.0.0.1',
    secureTransport: false,
  });
  const STREAM = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/upload-processor:log-stream:2026/01/01/[$LATEST]abc`;

  it('CreateLogStream and PutLogEvents are authorized on the log-stream ARN', () => {
    const body = { logGroupName: '/aws/lambda/upload-processor', logStreamName: '2026/01/01/[$LATEST]abc' };
    expect(permissions(resolved('logs', logs('CreateLogStream', body)))).toEqual([
      ['logs:CreateLogStream', STREAM],
    ]);
    const put = resolved(
      'logs',
      logs('PutLogEvents', { ...body, logEvents: [{ timestamp: 1, message: 'token=abc' }] }),
    );
    expect(permissions(put)).toEqual([['logs:PutLogEvents', STREAM]]);
    expect(put.requestParameters).toEqual({ ...body, logEventCount: 1 });
    expect(put.protocol).toBe('json-1.1');
  });

  it('an unmapped Logs operation is refused', () => {
    expect(refused('logs', logs('DeleteLogGroup', { logGroupName: 'g' })).error.code).toBe(
      'AccessDeniedException',
    );
  });
});

describe('a service the gate does not resolve', () => {
  it('is refused, naming the service', () => {
    const failure = refused('kinesis', {
      method: 'POST',
      path: '/',
      query: '',
      headers: { 'x-amz-target': 'Kinesis_20131202.PutRecord', 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from('{}'),
      sourceIp: '127.0.0.1',
      secureTransport: false,
    });
    expect(failure.error.message).toContain("service 'kinesis'");
    expect(failure.protocol).toBe('json-1.1');
  });
});
