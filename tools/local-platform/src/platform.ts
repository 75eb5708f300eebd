import { defaultResourceNames } from '@keyless/iam-model';
import type { BootstrapResult } from './bootstrap/bootstrap.ts';
import { bootstrap } from './bootstrap/bootstrap.ts';
import { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
import { adminClients, emulatorAccountId } from './emulator-admin.ts';
import { startEmulatorProcess } from './emulator-process.ts';
import type { PlatformConfig } from './platform-config.ts';

export interface PlatformDescription {
  region: string;
  accountId: string;
  endpoints: { aws: string; postgres: string };
  resources: BootstrapResult;
}

export interface RunningPlatform {
  description: PlatformDescription;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void>;

async function startDatabase(config: PlatformConfig, stoppers: Stopper[]) {
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    return { host: url.hostname, port: Number(url.port || 5432), adminUrl: config.DATABASE_URL };
  }
  const server: DatabaseServer = await startEmbeddedDatabase();
  stoppers.push(server.stop);
  return server;
}

async function startEmulator(config: PlatformConfig, stoppers: Stopper[]): Promise<string> {
  if (config.AWS_ENDPOINT_URL) return config.AWS_ENDPOINT_URL;
  const emulator = await startEmulatorProcess();
  stoppers.push(emulator.stop);
  return emulator.endpoint;
}

/**
 * Brings up the emulator and PostgreSQL (or uses the ones configured), then bootstraps the
 * system's resources. On any failure, whatever already started is stopped again.
 */
export async function startLocalPlatform(
  config: PlatformConfig,
  identity: { eksOidcIssuer: string; githubOidcIssuer: string },
): Promise<RunningPlatform> {
  const stoppers: Stopper[] = [];
  const stop = async () => {
    await Promise.allSettled(stoppers.reverse().map((stopOne) => stopOne()));
  };
  try {
    const [awsEndpoint, database] = await Promise.all([
      startEmulator(config, stoppers),
      startDatabase(config, stoppers),
    ]);
    const clients = adminClients({ endpoint: awsEndpoint, region: config.AWS_REGION });
    const [owner = '', repo = ''] = config.KEYLESS_GITHUB_REPOSITORY.split('/');
    const resources = await bootstrap({
      clients,
      region: config.AWS_REGION,
      accountId: emulatorAccountId,
      names: defaultResourceNames,
      database,
      ...identity,
      github: { owner, repo },
    });
    return {
      description: {
        region: config.AWS_REGION,
        accountId: emulatorAccountId,
        endpoints: { aws: awsEndpoint, postgres: `postgres://${database.host}:${database.port}` },
        resources,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
