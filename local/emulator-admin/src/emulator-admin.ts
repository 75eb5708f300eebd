import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

/** The account every emulator puts the system's resources in (moto's fixed one). */
export const emulatorAccountId = '123456789012';

/**
 * The emulator's administrator: placeholder values used only by the local platform's own tooling
 * (bootstrap, harness) and never handed to a service, which gets short-lived credentials from the
 * identity plane instead. The access key id is the account id itself: LocalStack puts the requests
 * of a 12-digit access key id in that account (any other key lands in 000000000000), moto and
 * ministack accept it and stay in their configured account, so every emulator uses the same one.
 */
export const emulatorAdminCredentials = {
  accessKeyId: emulatorAccountId,
  secretAccessKey: 'emulator-admin-not-a-secret',
};

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

/**
 * An IAM user of the emulator and an access key of it: credentials whose secret the emulator knows,
 * for a test whose requests it must be able to verify (ministack checks presigned URLs' signatures,
 * and refuses the administrator's placeholder key there). Tests only; never a service's.
 */
export async function createEmulatorUserKey(
  clients: Pick<AdminClients, 'iam'>,
  userName: string,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  const { AccessKey } = await clients.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) {
    throw new Error(`CreateAccessKey gave no key for ${userName}`);
  }
  return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
}
