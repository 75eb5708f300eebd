import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { tlsOnlyBucketPolicy } from '@keyless/iam-model';
import {
  allResources,
  defined,
  resourcesOf,
  synthesizedModel,
  template,
  type CfnResourceJson,
} from './assembly.ts';

const { model } = synthesizedModel();
const names = model.params.names;

const policyFor = (type: string, key: string, id: string) =>
  allResources(type).find(({ resource }) => JSON.stringify(resource.Properties[key]).includes(`"${id}"`))
    ?.resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined;

const tlsOnly = (statements: Record<string, unknown>[]) =>
  statements.some(
    (statement) =>
      statement.Effect === 'Deny' &&
      JSON.stringify(statement.Principal) === '{"AWS":"*"}' &&
      JSON.stringify(statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
  );

describe('S3 buckets', () => {
  const buckets = allResources('AWS::S3::Bucket');
  const bucketIn = (stack: string) =>
    defined(
      buckets.find((bucket) => bucket.stack === stack),
      `bucket in ${stack}`,
    );

  it('are the files bucket and the access-log bucket', () => {
    expect(buckets.map(({ stack }) => stack).sort()).toEqual(['data', 'uploads']);
    expect(bucketIn('uploads').resource.Properties.BucketName).toBe(names.bucket);
  });

  it.each(buckets.map((bucket) => [bucket.id, bucket] as const))(
    '%s: blocks public access, encrypts, versions and denies requests without TLS',
    (id, { resource }) => {
      const properties = resource.Properties;
      expect(properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      const policy = policyFor('AWS::S3::BucketPolicy', 'Bucket', id);
      expect(policy && tlsOnly(policy.Statement)).toBe(true);
    },
  );

  it("files bucket: its Deny statements are the model's (what the local permission gate enforces)", () => {
    const files = bucketIn('uploads');
    const policy = defined(policyFor('AWS::S3::BucketPolicy', 'Bucket', files.id), 'files bucket policy');
    const shape = ({ Effect, Principal, Action, Condition }: Record<string, unknown>) =>
      JSON.stringify({ Effect, Principal, Action, Condition });
    const deployed = policy.Statement.filter((statement) => statement.Effect === 'Deny').map(shape);
    const modelled = tlsOnlyBucketPolicy(`arn:aws:s3:::${names.bucket}`).Statement.map((statement) =>
      shape(statement as unknown as Record<string, unknown>),
    );
    expect(deployed.sort()).toEqual(modelled.sort());
  });

  it('files bucket: TLS 1.2 or later, access logs to the log bucket', () => {
    const files = bucketIn('uploads');
    const policy = defined(policyFor('AWS::S3::BucketPolicy', 'Bucket', files.id), 'files bucket policy');
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    );
    const logBucket = bucketIn('data').id;
    expect(JSON.stringify(files.resource.Properties.LoggingConfiguration)).toContain(`Ref${logBucket}`);
  });

  it('access-log bucket: only the log delivery services may write, each to its own prefix', () => {
    const logs = bucketIn('data');
    const allows = defined(
      policyFor('AWS::S3::BucketPolicy', 'Bucket', logs.id),
      'log bucket policy',
    ).Statement.filter((statement) => statement.Effect === 'Allow');
    for (const statement of allows) {
      expect(['s3:PutObject', 's3:GetBucketAcl']).toContain(statement.Action);
      expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
    }
  });
});

describe('SQS queues', () => {
  const queues = allResources('AWS::SQS::Queue');

  it.each(queues.map((queue) => [queue.resource.Properties.QueueName as string, queue] as const))(
    '%s: server-side encryption and a TLS-only policy',
    (_name, { id, resource }) => {
      expect(resource.Properties.SqsManagedSseEnabled).toBe(true);
      const policy = policyFor('AWS::SQS::QueuePolicy', 'Queues', id);
      expect(policy && tlsOnly(policy.Statement)).toBe(true);
    },
  );

  it('ledger-events redrives to ledger-events-dlq after 5 receives', () => {
    const byName = (name: string) =>
      defined(
        queues.find(({ resource }) => resource.Properties.QueueName === name),
        name,
      );
    const dlq = byName(names.ledgerEventsDlq);
    expect(byName(names.ledgerEventsQueue).resource.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(dlq.resource.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });
});

describe('uploads table', () => {
  it('has the model name and keys, point-in-time recovery and deletion protection', () => {
    template('data').hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: names.uploadsTable,
      KeySchema: [
        { AttributeName: 'ownerSub', KeyType: 'HASH' },
        { AttributeName: 'uploadId', KeyType: 'RANGE' },
      ],
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });
});

describe('ledger database', () => {
  const [[, instance]] = resourcesOf('data', 'AWS::RDS::DBInstance') as [[string, CfnResourceJson]];
  const db = instance.Properties;

  it('is encrypted, Multi-AZ, deletion-protected and forces TLS', () => {
    expect(db).toMatchObject({
      StorageEncrypted: true,
      MultiAZ: true,
      DeletionProtection: true,
      Engine: 'postgres',
    });
    template('data').hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
    });
  });

  it('lives in the isolated subnets', () => {
    const [[, group]] = resourcesOf('data', 'AWS::RDS::DBSubnetGroup') as [[string, CfnResourceJson]];
    const subnets = JSON.stringify(group.Properties.SubnetIds);
    expect(subnets.match(/isolatedSubnet\d/g)?.length).toBe(3);
    expect(subnets).not.toMatch(/privateSubnet|publicSubnet/);
  });

  it('has one secret per database user, each rotated every 30 days', () => {
    const secrets = resourcesOf('data', 'AWS::SecretsManager::Secret');
    const secretNames = secrets.map(([, secret]) => secret.Properties.Name).sort();
    expect(secretNames).toEqual(['ledger/admin', names.readerSecret, names.writerSecret].sort());
    const templates = secrets.map(([, secret]) =>
      JSON.parse(
        (secret.Properties.GenerateSecretString as { SecretStringTemplate: string }).SecretStringTemplate,
      ),
    );
    expect(templates).toContainEqual({ username: 'ledger_writer', dbname: 'ledger' });
    expect(templates).toContainEqual({ username: 'ledger_reader', dbname: 'ledger' });

    const schedules = resourcesOf('data', 'AWS::SecretsManager::RotationSchedule').map(
      ([, s]) => s.Properties,
    );
    expect(schedules).toHaveLength(3);
    for (const schedule of schedules) {
      expect(schedule.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
      expect(schedule.HostedRotationLambda).toMatchObject({ RotationType: 'PostgreSQLSingleUser' });
    }
  });
});
