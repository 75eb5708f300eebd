import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export interface SecretVersion {
  secretId: string;
  versionId: string;
  /** The SecretString of that version. */
  value: string;
}

const CURRENT = 'AWSCURRENT';

/**
 * GetSecretValue of the version staged AWSCURRENT, asked for by name. Without a stage the service
 * also answers AWSCURRENT, but naming it makes the rule visible and holds on emulators too; a
 * version that is only AWSPENDING (a rotation in progress) is never returned, and a reply that is
 * not AWSCURRENT is refused rather than cached.
 */
export async function fetchCurrentVersion(
  client: SecretsManagerClient,
  secretId: string,
): Promise<SecretVersion> {
  const reply = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: CURRENT }));
  if (!reply.VersionId || !reply.VersionStages?.includes(CURRENT)) {
    throw new Error(`GetSecretValue for ${secretId} did not return the ${CURRENT} version`);
  }
  if (reply.SecretString === undefined) {
    throw new Error(`secret ${secretId} has no SecretString (binary secrets are not supported)`);
  }
  return { secretId, versionId: reply.VersionId, value: reply.SecretString };
}

/** DescribeSecret: which version id AWSCURRENT is attached to now (no secret material moves). */
export async function currentVersionId(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { VersionIdsToStages = {} } = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const current = Object.entries(VersionIdsToStages).find(([, stages]) => stages.includes(CURRENT));
  if (!current) throw new Error(`secret ${secretId} has no ${CURRENT} version`);
  return current[0];
}
