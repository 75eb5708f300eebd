import type { Emulator } from './emulators.ts';

/**
 * What the project relies on from an AWS emulator: services, and behaviours in which emulators
 * differ from AWS and from each other. Each claim below is pinned by a test that runs the
 * emulator (test/emulator-capabilities.test.ts); docs/emulators.md shows the table.
 */
export const capabilities = {
  s3: 'S3 buckets and objects',
  's3-event-notifications': 'S3 ObjectCreated notifications to an SQS queue',
  's3-event-sequencer': 'S3 events whose sequencer grows with each write of a key',
  's3-event-key-encoding':
    "S3 events carrying the object key encoded as S3 encodes it (a space as '+', a slash kept)",
  's3-key-length-limit': 'S3 refusing object keys longer than 1,024 bytes',
  's3-presigned-url-signature': 'S3 checking the signature of a presigned URL',
  dynamodb: 'DynamoDB tables',
  sqs: 'SQS queues',
  'sqs-redrive': 'SQS moving a message to its dead-letter queue after maxReceiveCount receives',
  'secrets-manager': 'Secrets Manager secrets',
  'secrets-current-version': 'GetSecretValue without a stage returning the AWSCURRENT version',
  iam: 'IAM roles, inline policies and OIDC providers',
  sts: 'STS AssumeRole sessions',
  'sts-short-sessions':
    "STS sessions shorter than AWS's 900-second minimum (the identity plane's short sessions, to watch credentials refresh)",
  'cognito-user-pools':
    "Cognito user pools (password sign-in, RS256 access tokens with Cognito's issuer and the pool's JWKS)",
  'cognito-generated-temporary-password': 'Cognito AdminCreateUser without a TemporaryPassword',
  'fixed-account-id':
    "account 123456789012 for the administrator's calls (its access key id is that account)",
  'account-whatever-access-key': 'account 123456789012 whatever the access key id',
  'web-identity-token-validation': 'STS AssumeRoleWithWebIdentity refusing a token it cannot verify',
} as const;

export type Capability = keyof typeof capabilities;

const anyToken = 'it issues credentials for any token (the local identity plane verifies them)';
const anyKeyLength = 'it stores keys of any length';
const anySignature = 'it serves a presigned URL whatever its signature';
const noCognito = 'LocalStack core has no Cognito';

/** What each emulator lacks, and why; it has every capability not named here. */
const gaps: Record<Emulator, Partial<Record<Capability, string>>> = {
  moto: {
    's3-event-sequencer': 'its S3 events carry no sequencer',
    's3-event-key-encoding': "its events encode a slash in the key as '%2F'",
    's3-key-length-limit': anyKeyLength,
    's3-presigned-url-signature': anySignature,
    'secrets-current-version':
      'after UpdateSecretVersionStage, GetSecretValue without a stage returns the version current before',
    'web-identity-token-validation': anyToken,
  },
  ministack: {
    's3-key-length-limit': anyKeyLength,
    'cognito-generated-temporary-password':
      "it generates a 12-character temporary password and refuses it under a policy asking for more (the bootstrap's asks for 14)",
    'web-identity-token-validation': anyToken,
  },
  localstack: {
    dynamodb:
      'LocalStack core serves DynamoDB only through DynamoDB Local (Java, under a licence that is not OSI-approved), so it is left out',
    'cognito-user-pools': noCognito,
    'cognito-generated-temporary-password': noCognito,
    's3-event-sequencer': 'every event of a key carries the same sequencer',
    's3-event-key-encoding': "its events encode a space in the key as '%20'",
    's3-presigned-url-signature': anySignature,
    'sts-short-sessions': 'AssumeRole with DurationSeconds 60 gives a session of 900 seconds',
    'account-whatever-access-key':
      'requests land in account 000000000000 unless the access key id is 12 digits (then in that account)',
    'web-identity-token-validation': anyToken,
  },
};

export const hasCapability = (emulator: Emulator, capability: Capability): boolean =>
  gaps[emulator][capability] === undefined;

/** Why `emulator` cannot serve a caller that needs `needs`: one sentence per missing capability. */
export function lacking(emulator: Emulator, needs: readonly Capability[]): string[] {
  return needs.flatMap((capability) => {
    const why = gaps[emulator][capability];
    return why === undefined ? [] : [`${emulator} lacks ${capabilities[capability]}: ${why}`];
  });
}
