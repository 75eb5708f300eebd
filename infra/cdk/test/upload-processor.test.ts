import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateIdentityPolicies, type PolicyDocument } from '@keyless/iam-policy';
import { onlyResource, projectDir, roleNamed, synthesizedModel, templateJson } from './assembly.ts';

const { model, settings } = synthesizedModel();
const uploads = templateJson('uploads');
const only = (type: string) => onlyResource('uploads', type);
const [functionId, fn] = only('AWS::Lambda::Function');
const [bucketId, bucket] = only('AWS::S3::Bucket');

describe('the incoming/ trigger', () => {
  it('invokes the function for every object created under incoming/ and nothing else', () => {
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          Function: { 'Fn::GetAtt': [functionId, 'Arn'] },
        },
      ],
    });
  });

  it('lets only S3, for this bucket and account, invoke the function; the permission exists first', () => {
    const [permissionId, permission] = only('AWS::Lambda::Permission');
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceAccount: settings.account,
      SourceArn: `arn:aws:s3:::${model.params.names.bucket}`,
    });
    expect(uploads.Resources[bucketId]?.DependsOn).toContain(permissionId);
  });

  it('the function cannot write where it is triggered (no recursive invocation)', () => {
    const policies = roleNamed('upload-processor').resource.Properties.Policies as {
      PolicyName: string;
      PolicyDocument: PolicyDocument;
    }[];
    const documents = Object.fromEntries(
      policies.map((policy) => [policy.PolicyName, policy.PolicyDocument]),
    );
    const bucketArn = `arn:aws:s3:::${model.params.names.bucket}`;
    const write = evaluateIdentityPolicies(documents, {
      action: 's3:PutObject',
      resource: `${bucketArn}/incoming/x/y/z`,
    });
    expect(write.decision).toBe('explicit-deny');
    const read = evaluateIdentityPolicies(documents, {
      action: 's3:GetObject',
      resource: `${bucketArn}/incoming/x/y/z`,
    });
    expect(read.allowed).toBe(true);
  });
});

describe('the upload-processor function', () => {
  it('runs on Node.js 24 with its model role, reserved concurrency and a timeout for large objects', () => {
    expect(fn.Properties).toMatchObject({
      FunctionName: 'upload-processor',
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': [roleNamed('upload-processor').id, 'Arn'] },
      ReservedConcurrentExecutions: 20,
      Timeout: 300,
    });
  });

  it('retries twice, then sends the event to the upload-processor-failures queue', () => {
    const [, config] = only('AWS::Lambda::EventInvokeConfig');
    const [queueId, queue] = only('AWS::SQS::Queue');
    expect(queue.Properties.QueueName).toBe('upload-processor-failures');
    expect(config.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('logs to /aws/lambda/upload-processor (the group its role may write) with a retention period', () => {
    const [logGroupId, logGroup] = only('AWS::Logs::LogGroup');
    expect(logGroup.Properties).toMatchObject({
      LogGroupName: '/aws/lambda/upload-processor',
      RetentionInDays: 90,
    });
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
  });

  it('deploys the local esbuild bundle when there is one, else takes the code location as parameters', () => {
    const bundled = existsSync(resolve(projectDir, '../../apps/upload-processor/dist/index.mjs'));
    const code = fn.Properties.Code as Record<string, unknown>;
    if (bundled) {
      expect(uploads.Parameters ?? {}).not.toHaveProperty('UploadProcessorCodeBucket');
      expect(code.S3Bucket).toMatch(/^cdk-hnb659fds-assets-/);
    } else {
      expect(code).toEqual({
        S3Bucket: { Ref: 'UploadProcessorCodeBucket' },
        S3Key: { Ref: 'UploadProcessorCodeKey' },
      });
    }
  });
});
