import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsSettings } from './aws-settings.ts';
import { clientConfig } from './client-config.ts';

// Emulators serve every bucket on one host, so virtual-hosted bucket names cannot resolve there.
const s3Config = (settings: AwsSettings) => ({
  ...clientConfig(settings),
  forcePathStyle: settings.endpointOverridden,
});

export const createS3Client = (settings: AwsSettings) => new S3Client(s3Config(settings));

/**
 * An S3 client that signs URLs for others to use. Checksums are added only when required: with the
 * SDK's default, a presigned PUT carries the CRC32 of an empty body, and S3 rejects every real
 * upload made with it.
 */
export const createPresigningS3Client = (settings: AwsSettings) =>
  new S3Client({ ...s3Config(settings), requestChecksumCalculation: 'WHEN_REQUIRED' });

export const createDynamoDbClient = (settings: AwsSettings) => new DynamoDBClient(clientConfig(settings));

export const createDynamoDbDocumentClient = (settings: AwsSettings) =>
  DynamoDBDocumentClient.from(createDynamoDbClient(settings), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const createSqsClient = (settings: AwsSettings) => new SQSClient(clientConfig(settings));

export const createSecretsManagerClient = (settings: AwsSettings) =>
  new SecretsManagerClient(clientConfig(settings));

export const createStsClient = (settings: AwsSettings) => new STSClient(clientConfig(settings));
