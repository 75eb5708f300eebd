import { defaultResourceNames } from '@keyless/iam-model';
import {
  allBootstrapParts,
  bootstrap,
  bootstrapNeedsOf,
  type BootstrapPart,
  type BootstrapResult,
} from './bootstrap/bootstrap.ts';
import { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
import { adminClients, emulatorAccountId } from '@keyless/emulator-admin';
import { startEmulatorProcess } from './emulator-process.ts';
import { lacking } from './emulators/emulator-capabilities.ts';
import type { Emulator } from './emulators/emulators.ts';
import { platformEnv } from './platform-env.ts';
import { defaultLedgerNames } from './bootstrap/database.ts';

export interface PlatformDescription<P extends BootstrapPart = BootstrapPart> {
  region: string;
  accountId: string;
  /** The emulator the platform started (none when given one by `awsEndpoint`). */
  emulator?: { name: Emulator; healthUrl: string; pid: number | undefined };
  endpoints: { aws: string; postgres: string };
  resources: BootstrapResult<P>;
}

export interface RunningPlatform<P extends BootstrapPart = BootstrapPart> {
  description: PlatformDescription<P>;
  /** A superuser connection to the ledger database, for migrations; never written to platform.json. */
  ledgerAdminUrl: string;
  /**
   * Resolves if a process the platform started (the emulator, PostgreSQL) ends before `stop()`,
   * to a sentence naming it and how it ended; never resolves otherwise.
   */
  died: Promise<string>;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void>;

/** What the platform started, watched for an end nobody asked for. */
interface Watched {
  stopping: boolean;
  report(sentence: string): void;
}

function watch(watched: Watched, name: string, ended: Promise<string>): void {
  void ended.then((how) => {
    if (!watched.stopping) watched.report(`${name} ended unexpectedly (${how})`);
  });
}

export interface LocalPlatformOptions<P extends BootstrapPart = BootstrapPart> {
  region: string;
  /** Only these parts of the system are bootstrapped (default: all); the emulator needs only what they use. */
  parts?: readonly P[];
  /** An emulator that already runs; otherwise `emulator` is started. */
  awsEndpoint?: string;
  /** Default: KEYLESS_EMULATOR, else moto. */
  emulator?: Emulator;
  /** A PostgreSQL that already runs (a user that may create databases and roles); otherwise an embedded one. */
  databaseUrl?: string;
  /** The repository the `deploy`/`diff` roles trust. */
  github: { owner: string; repo: string };
  /** Issuers (host + path, no scheme) to register as IAM OIDC providers. */
  eksOidcIssuer: string;
  githubOidcIssuer: string;
  /** The local IdP's SAML metadata, registered as the SAML provider people sign in through. */
  samlMetadata?: string;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function startDatabase(
  options: LocalPlatformOptions<BootstrapPart>,
  stoppers: Stopper[],
  watched: Watched,
) {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    return { host: url.hostname, port: Number(url.port || 5432), adminUrl: options.databaseUrl };
  }
  const server: DatabaseServer = await startEmbeddedDatabase();
  stoppers.push(server.stop);
  watch(watched, 'PostgreSQL', server.ended);
  return server;
}

/** The ledger database's name, or the deployment's when the database part was not bootstrapped. */
const ledgerDatabaseOf = (resources: object): string =>
  (resources as Partial<BootstrapResult<'database'>>).database?.name ?? defaultLedgerNames.database;

const emulatorOf = (options: LocalPlatformOptions<BootstrapPart>) =>
  options.emulator ?? platformEnv().KEYLESS_EMULATOR;

async function startEmulator(
  options: LocalPlatformOptions<BootstrapPart>,
  stoppers: Stopper[],
  watched: Watched,
): Promise<{ endpoint: string; started?: PlatformDescription['emulator'] }> {
  if (options.awsEndpoint) return { endpoint: options.awsEndpoint };
  const emulator = await startEmulatorProcess({ emulator: emulatorOf(options) });
  stoppers.push(emulator.stop);
  watch(watched, 'the AWS emulator', emulator.ended);
  return {
    endpoint: emulator.endpoint,
    started: { name: emulator.emulator, healthUrl: emulator.healthUrl, pid: emulator.pid },
  };
}

/**
 * Brings up the emulator and PostgreSQL (or uses the ones configured), then bootstraps the
 * system's resources. On any failure, whatever already started is stopped again. An emulator
 * that lacks what the bootstrap needs is refused before anything starts.
 */
export async function startLocalPlatform<P extends BootstrapPart = BootstrapPart>(
  options: LocalPlatformOptions<P>,
): Promise<RunningPlatform<P>> {
  const parts = options.parts ?? (allBootstrapParts as P[]);
  const missing = options.awsEndpoint ? [] : lacking(emulatorOf(options), bootstrapNeedsOf(parts));
  if (missing.length > 0) {
    throw new Error(`the local platform cannot run on ${emulatorOf(options)}:\n  ${missing.join('\n  ')}`);
  }
  const stoppers: Stopper[] = [];
  const { promise: died, resolve: report } = Promise.withResolvers<string>();
  const watched: Watched = { stopping: false, report };
  const stop = async () => {
    watched.stopping = true;
    await Promise.allSettled(stoppers.reverse().map((stopOne) => stopOne()));
  };
  try {
    // Both starts run to their end before a failure is reported, so the half that started is stopped.
    const [emulatorStart, databaseStart] = await Promise.allSettled([
      startEmulator(options, stoppers, watched),
      startDatabase(options, stoppers, watched),
    ]);
    if (emulatorStart.status === 'rejected') throw emulatorStart.reason;
    if (databaseStart.status === 'rejected') throw databaseStart.reason;
    const { endpoint: awsEndpoint, started } = emulatorStart.value;
    const database = databaseStart.value;
    const clients = adminClients({ endpoint: awsEndpoint, region: options.region });
    const resources = await bootstrap<P>({
      parts,
      clients,
      region: options.region,
      accountId: emulatorAccountId,
      names: defaultResourceNames,
      database,
      eksOidcIssuer: options.eksOidcIssuer,
      githubOidcIssuer: options.githubOidcIssuer,
      github: options.github,
      ...(options.samlMetadata && { samlMetadata: options.samlMetadata }),
    });
    return {
      description: {
        region: options.region,
        accountId: emulatorAccountId,
        ...(started && { emulator: started }),
        endpoints: { aws: awsEndpoint, postgres: `postgres://${database.host}:${database.port}` },
        resources,
      },
      ledgerAdminUrl: withDatabase(database.adminUrl, ledgerDatabaseOf(resources)),
      died,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
