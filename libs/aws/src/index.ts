export { awsSettingsFrom, type AwsSettings } from './aws-settings.ts';
export { clientConfig } from './client-config.ts';
export {
  createDynamoDbClient,
  createDynamoDbDocumentClient,
  createPresigningS3Client,
  createS3Client,
  createSecretsManagerClient,
  createSqsClient,
  createStsClient,
} from './clients.ts';
