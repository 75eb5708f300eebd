// Test tooling only (exported as `@keyless/db/testing`): an emulator and a PostgreSQL, bootstrapped
// with the ledger users and secrets, and migrated, as a deployment would leave them.
import { defaultResourceNames } from '@keyless/iam-model';
import {
  adminClients,
  bootstrap,
  emulatorAccountId,
  type AdminClients,
  type BootstrapResult,
} from '@keyless/local-platform';
import { startTestPlatform, type DatabaseAccess, type TestPlatform } from '@keyless/testing';
import { migrate } from '../migrate.ts';

export interface LedgerTestPlatform {
  platform: TestPlatform;
  /** The emulator's administrator clients (tooling credentials, never given to service code). */
  admin: AdminClients;
  resources: BootstrapResult;
  database: DatabaseAccess;
  /** A superuser connection string for the `ledger` database. */
  ledgerAdminUrl: string;
  stop(): Promise<void>;
}

export interface LedgerTestPlatformOptions {
  /** A PostgreSQL the test controls (to restart it, say); by default the harness starts one. */
  database?: DatabaseAccess;
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

export async function startLedgerTestPlatform(
  options: LedgerTestPlatformOptions = {},
): Promise<LedgerTestPlatform> {
  const platform = await startTestPlatform({ database: !options.database });
  try {
    const database = options.database ?? platform.database;
    if (!database) throw new Error('the test platform started no database');
    const admin = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
    const resources = await bootstrap({
      clients: admin,
      region: platform.region,
      accountId: emulatorAccountId,
      names: defaultResourceNames,
      database,
      eksOidcIssuer: '127.0.0.1:1/eks',
      githubOidcIssuer: '127.0.0.1:1/github',
      github: { owner: 'keyless-example', repo: 'keyless' },
    });
    const url = new URL(database.adminUrl);
    url.pathname = `/${resources.database.name}`;
    const ledgerAdminUrl = url.toString();
    if (options.migrate ?? true) await migrate({ connection: ledgerAdminUrl });
    return { platform, admin, resources, database, ledgerAdminUrl, stop: () => platform.stop() };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}
