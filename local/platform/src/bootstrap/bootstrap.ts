import { buildIamModel, type ResourceNames } from '@keyless/iam-model';
import type { AdminClients } from '@keyless/emulator-admin';
import type { Capability } from '../emulators/emulator-capabilities.ts';
import { ensureDatabaseAndSecrets, ledgerDatabase, type DatabaseEndpoint } from './database.ts';
import { ensureQueues } from './queues.ts';
import { ensureRoles } from './roles.ts';
import { ensureBucket, ensureUploadsTable } from './storage.ts';
import { ensureUserDirectory } from './user-directory.ts';

export interface BootstrapOptions {
  clients: AdminClients;
  region: string;
  accountId: string;
  names: ResourceNames;
  database: DatabaseEndpoint;
  /** Issuers (host + path, no scheme) registered as IAM OIDC providers. */
  eksOidcIssuer: string;
  githubOidcIssuer: string;
  github: { owner: string; repo: string };
}

/** What the bootstrap uses of the emulator; ARNs are written with `accountId`, moto's fixed one. */
export const bootstrapNeeds: readonly Capability[] = [
  's3',
  'dynamodb',
  'sqs',
  'secrets-manager',
  'cognito-user-pools',
  'iam',
  'fixed-account-id',
];

export const lambdaFunctionName = 'upload-processor';
export const eksClusterName = 'keyless';

/**
 * Creates every resource of the system by its fixed name. Each step is idempotent, so this runs
 * against a fresh emulator or one bootstrapped before, and converges the latter to the model.
 */
export async function bootstrap(options: BootstrapOptions) {
  const { clients, names, region } = options;
  await ensureBucket(clients.s3, names.bucket, region);
  await ensureUploadsTable(clients.dynamodb, names.uploadsTable);
  const queues = await ensureQueues(clients.sqs, names);
  const secrets = await ensureDatabaseAndSecrets(clients.secretsManager, options.database, names);
  const userDirectory = await ensureUserDirectory(clients.cognito, region);
  const iamModel = buildIamModel({
    partition: 'aws',
    accountId: options.accountId,
    region,
    names,
    eksOidcIssuer: options.eksOidcIssuer,
    githubOidcIssuer: options.githubOidcIssuer,
    github: options.github,
    lambdaFunctionName,
    eksClusterName,
  });
  const iam = await ensureRoles(clients.iam, iamModel);
  return {
    names,
    database: { name: ledgerDatabase, host: options.database.host, port: options.database.port },
    queues,
    secrets,
    userDirectory,
    ...iam,
  };
}

export type BootstrapResult = Awaited<ReturnType<typeof bootstrap>>;
