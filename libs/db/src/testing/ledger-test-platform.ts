// Test tooling only (exported as `@keyless/db/testing`): an emulator and a PostgreSQL with what the
// ledger needs bootstrapped — its database, users and their secrets, and the ledger-events queue
// with its dead-letter queue — and migrated, as a deployment would leave them. Nothing else is
// asked of the emulator (no table, no Cognito, no roles), so the ledger's suites run on every
// emulator with SQS and Secrets Manager.
import { defaultResourceNames, type ResourceNames } from '@keyless/iam-model';
import {
  adminClients,
  bootstrap,
  defaultLedgerNames,
  dropLedger,
  emulatorAccountId,
  type AdminClients,
  type BootstrapResult,
  type Capability,
  type LedgerNames,
} from '@keyless/local-platform';
import { startTestPlatform, type DatabaseAccess, type TestPlatform } from '@keyless/testing';
import { migrate } from '../migrate.ts';

/** What the ledger test platform asks of the emulator: for a suite's emulatorSuite(needs). */
export const ledgerNeeds: readonly Capability[] = ['sqs', 'secrets-manager'];

export interface LedgerTestPlatform {
  platform: TestPlatform;
  /** The emulator's administrator clients (tooling credentials, never given to service code). */
  admin: AdminClients;
  resources: BootstrapResult<'queues' | 'database'>;
  database: DatabaseAccess;
  /** A superuser connection string for the ledger database. */
  ledgerAdminUrl: string;
  stop(): Promise<void>;
}

export interface LedgerTestPlatformOptions {
  /** A PostgreSQL the test controls (to restart it, say); by default the harness starts one. */
  database?: DatabaseAccess;
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

/**
 * On its own emulator and PostgreSQL the deployment's names; on shared ones (the harness's
 * external backend) names of this run's own — queues, secrets, the database and its users — so two
 * runs never meet.
 */
function namesFor(platform: TestPlatform): { names: ResourceNames; ledger: LedgerNames } {
  const names = Object.fromEntries(
    Object.entries(defaultResourceNames).map(([key, name]) => [key, platform.uniqueName(name)]),
  ) as unknown as ResourceNames;
  const identifier = (name: string) => platform.uniqueName(name).replaceAll('-', '_');
  const ledger = {
    database: identifier(defaultLedgerNames.database),
    writer: identifier(defaultLedgerNames.writer),
    reader: identifier(defaultLedgerNames.reader),
  };
  return { names, ledger };
}

export async function startLedgerTestPlatform(
  options: LedgerTestPlatformOptions = {},
): Promise<LedgerTestPlatform> {
  const platform = await startTestPlatform({ database: !options.database });
  const { names, ledger } = namesFor(platform);
  const shared = platform.backend === 'external';
  const database = options.database ?? platform.database;
  const stop = async () => {
    if (shared && database) await dropLedger(database.adminUrl, ledger).catch(() => undefined);
    await platform.stop();
  };
  try {
    if (!database) throw new Error('the test platform started no database');
    const admin = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
    const resources = await bootstrap({
      parts: ['queues', 'database'],
      clients: admin,
      region: platform.region,
      accountId: emulatorAccountId,
      names,
      ledger,
      database,
    });
    const url = new URL(database.adminUrl);
    url.pathname = `/${resources.database.name}`;
    const ledgerAdminUrl = url.toString();
    if (options.migrate ?? true) await migrate({ connection: ledgerAdminUrl });
    return { platform, admin, resources, database, ledgerAdminUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
