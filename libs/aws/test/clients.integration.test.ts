import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  createDynamoDbClient,
  createDynamoDbDocumentClient,
  createS3Client,
  createSecretsManagerClient,
  createSqsClient,
  createStsClient,
  type AwsSettings,
} from '../src/index.ts';

// What the factory's clients talk to; DynamoDB's test is a block of its own, needing it too.
emulatorSuite(['s3', 'sqs', 'secrets-manager', 'sts'], () => {
  let platform: TestPlatform;
  let settings: AwsSettings;

  beforeAll(async () => {
    platform = await startTestPlatform({ database: true });
    // The clients find both the endpoint and the credentials the way a service would: from the
    // standard environment variables, through the SDK's own configuration loading.
    vi.stubEnv('AWS_ENDPOINT_URL', platform.awsEndpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test-session-key');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-session-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'test-session-token');
    settings = { region: platform.region, endpointOverridden: true };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await platform?.stop();
  });

  describe('clients from the factory against the emulator', () => {
    test('S3: a bucket, an object written and read back', async () => {
      const s3 = createS3Client(settings);
      const bucket = platform.uniqueName('factory-bucket');
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/a b.txt', Body: 'hello' }));
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'incoming/a b.txt' }));
      expect(await object.Body?.transformToString()).toBe('hello');
    });

    test('SQS: a message sent is received', async () => {
      const sqs = createSqsClient(settings);
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: platform.uniqueName('factory-q') }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":1}' }));
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(Messages?.[0]?.Body).toBe('{"n":1}');
    });

    test('Secrets Manager: a secret holds a working PostgreSQL credential', async () => {
      const sm = createSecretsManagerClient(settings);
      const database = platform.database;
      if (!database) throw new Error('the harness gave no database');
      const name = platform.uniqueName('factory/db');
      await sm.send(
        new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ url: database.adminUrl }) }),
      );
      const { SecretString } = await sm.send(new GetSecretValueCommand({ SecretId: name }));
      const client = new pg.Client({
        connectionString: (JSON.parse(SecretString ?? '{}') as { url: string }).url,
      });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      await client.end();
      expect(rows[0]?.answer).toBe(42);
    });

    test('STS: the caller identity resolves through the emulator', async () => {
      const identity = await createStsClient(settings).send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toMatch(/^\d{12}$/);
    });

    emulatorSuite(['dynamodb'], () => {
      test('DynamoDB: the document client writes and reads an item', async () => {
        const table = platform.uniqueName('factory-table');
        await createDynamoDbClient(settings).send(
          new CreateTableCommand({
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          }),
        );
        const documents = createDynamoDbDocumentClient(settings);
        await documents.send(
          new PutCommand({ TableName: table, Item: { id: 'x', size: 3, skipped: undefined } }),
        );
        const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { id: 'x' } }));
        expect(Item).toEqual({ id: 'x', size: 3 });
      });
    });
  });
});
