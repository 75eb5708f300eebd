import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * The emulator's administrator. moto accepts any key; these placeholder values are used only by
 * the local platform's own tooling (bootstrap, harness) and are never handed to a service, which
 * gets short-lived credentials from the identity plane instead.
 */
export const emulatorAdminCredentials = {
  accessKeyId: 'emulator-admin',
  secretAccessKey: 'emulator-admin-not-a-secret',
};

/** moto's fixed account id. */
export const emulatorAccountId = '123456789012';

export interface EmulatorTarget {
  endpoint: string;
  region: string;
}

// Tooling talks to a local emulator only, so it needs none of the services' retry and timeout tuning.
function adminConfig(target: EmulatorTarget) {
  return { region: target.region, endpoint: target.endpoint, credentials: emulatorAdminCredentials };
}

export function adminClients(target: EmulatorTarget) {
  const config = adminConfig(target);
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    secretsManager: new SecretsManagerClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
}

export type AdminClients = ReturnType<typeof adminClients>;
