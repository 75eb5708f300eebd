import { buildIamModel, type ResourceNames } from '@keyless/iam-model';
import type { AdminClients } from '@keyless/emulator-admin';
import type { Capability } from '../emulators/emulator-capabilities.ts';
import {
  defaultLedgerNames,
  ensureDatabaseAndSecrets,
  type DatabaseEndpoint,
  type LedgerNames,
} from './database.ts';
import { ensureQueues } from './queues.ts';
import { ensureRoles } from './roles.ts';
import { ensureBucket, ensureUploadsTable } from './storage.ts';
import { ensureUserDirectory } from './user-directory.ts';

export interface BootstrapOptions<P extends BootstrapPart = BootstrapPart> {
  clients: AdminClients;
  region: string;
  accountId: string;
  names: ResourceNames;
  /** The PostgreSQL of the ledger: required by the `database` part. */
  database?: DatabaseEndpoint;
  /** The ledger database and its users (default `ledger`, `ledger_writer`, `ledger_reader`). */
  ledger?: LedgerNames;
  /** Issuers (host + path, no scheme) registered as IAM OIDC providers: required by the `roles` part. */
  eksOidcIssuer?: string;
  githubOidcIssuer?: string;
  /** The repository the `deploy`/`diff` roles trust: required by the `roles` part. */
  github?: { owner: string; repo: string };
  /** The local IdP's SAML metadata, registered as the model's SAML provider (LocalIdP) by the `roles` part. */
  samlMetadata?: string;
  /** Only these parts of the system (default: all), so a suite asks the emulator only for what it uses. */
  parts?: readonly P[];
}

/** What each part of the bootstrap uses of the emulator. */
export const bootstrapParts = {
  bucket: ['s3'],
  'uploads-table': ['dynamodb'],
  queues: ['sqs'],
  /** The ledger database, its two users and one Secrets Manager secret each. */
  database: ['secrets-manager'],
  'user-directory': ['cognito-user-pools'],
  /** Every role of the IAM model and its OIDC providers; ARNs are written with the fixed account. */
  roles: ['iam', 'fixed-account-id'],
} as const satisfies Record<string, readonly Capability[]>;

export type BootstrapPart = keyof typeof bootstrapParts;
export const allBootstrapParts = Object.keys(bootstrapParts) as BootstrapPart[];

/** What bootstrapping `parts` uses of the emulator. */
export const bootstrapNeedsOf = (parts: readonly BootstrapPart[]): Capability[] => [
  ...new Set(parts.flatMap((part) => bootstrapParts[part])),
];

/** What the whole bootstrap (the local system) uses of the emulator. */
export const bootstrapNeeds: readonly Capability[] = bootstrapNeedsOf(allBootstrapParts);

export const lambdaFunctionName = 'upload-processor';
export const eksClusterName = 'keyless';

interface PartResults {
  bucket: object;
  'uploads-table': object;
  queues: { queues: Awaited<ReturnType<typeof ensureQueues>> };
  database: {
    database: { name: string; writer: string; reader: string; host: string; port: number };
    secrets: Awaited<ReturnType<typeof ensureDatabaseAndSecrets>>;
  };
  'user-directory': { userDirectory: Awaited<ReturnType<typeof ensureUserDirectory>> };
  roles: Awaited<ReturnType<typeof ensureRoles>>;
}

type Intersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void
  ? I
  : never;

/** What bootstrapping the parts `P` gives (all of it by default). */
export type BootstrapResult<P extends BootstrapPart = BootstrapPart> = {
  names: ResourceNames;
} & Intersection<PartResults[P]>;

/**
 * Creates every resource of the system (or of the parts asked for) by its name. Each step is
 * idempotent, so this runs against a fresh emulator or one bootstrapped before, and converges the
 * latter to the model.
 */
export async function bootstrap<P extends BootstrapPart = BootstrapPart>(
  options: BootstrapOptions<P>,
): Promise<BootstrapResult<P>> {
  const { clients, names, region } = options;
  const parts = new Set<BootstrapPart>(options.parts ?? allBootstrapParts);
  const result: Record<string, unknown> = { names };
  if (parts.has('bucket')) await ensureBucket(clients.s3, names.bucket, region);
  if (parts.has('uploads-table')) await ensureUploadsTable(clients.dynamodb, names.uploadsTable);
  if (parts.has('queues')) result.queues = await ensureQueues(clients.sqs, names);
  if (parts.has('database')) {
    const { database } = options;
    if (!database) throw new Error('bootstrapping the ledger database needs `database`');
    const ledger = options.ledger ?? defaultLedgerNames;
    result.secrets = await ensureDatabaseAndSecrets(clients.secretsManager, database, names, ledger);
    const { host, port } = database;
    result.database = { name: ledger.database, writer: ledger.writer, reader: ledger.reader, host, port };
  }
  if (parts.has('user-directory')) result.userDirectory = await ensureUserDirectory(clients.cognito, region);
  if (parts.has('roles')) {
    const { eksOidcIssuer, githubOidcIssuer, github } = options;
    if (!eksOidcIssuer || !githubOidcIssuer || !github) {
      throw new Error('bootstrapping the roles needs `eksOidcIssuer`, `githubOidcIssuer` and `github`');
    }
    const iamModel = buildIamModel({
      partition: 'aws',
      accountId: options.accountId,
      region,
      names,
      eksOidcIssuer,
      githubOidcIssuer,
      github,
      lambdaFunctionName,
      eksClusterName,
    });
    const saml = options.samlMetadata
      ? { accountId: options.accountId, metadata: options.samlMetadata }
      : undefined;
    Object.assign(result, await ensureRoles(clients.iam, iamModel, saml));
  }
  return result as BootstrapResult<P>;
}
