// What a reporter pod meets, in-process: the emulator and a real PostgreSQL (bootstrapped and
// migrated as a deployment leaves them), and the identity plane's parts the reporter and the API
// get credentials from — the "EKS cluster" OIDC issuer, the STS front that checks web identity
// tokens against the trust policies, the Pod Identity agent and the ECS credentials endpoint.
// Put together here from @keyless/identity-plane and @keyless/local-platform, as the local system
// puts them together: that system runs this app, so depending on it would be a cycle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { migrate } from '@keyless/db/migrate';
import { roleArn } from '@keyless/iam-model';
import {
  createDecisionLog,
  startEcsCredentialsEndpoint,
  startOidcIssuers,
  startPodIdentityAgent,
  startProjectedTokenFile,
  startStsFront,
  withoutScheme,
  type EcsCredentialsEndpoint,
  type IrsaEnvironment,
  type OidcIssuer,
} from '@keyless/identity-plane';
import {
  adminClients,
  bootstrapNeedsOf,
  startLocalPlatform,
  type BootstrapPart,
  type Capability,
  type PlatformDescription,
} from '@keyless/local-platform';
import { createLogger, type Logger } from '@keyless/logging';
import {
  createIssuedSessions,
  createLocalTls,
  rolePoliciesFromIam,
  type CloudTrailRecord,
} from '@keyless/permission-gate';
import { startLedgerProxy, type RdsProxy } from '@keyless/rds-proxy';
import { startTestPlatform } from '@keyless/testing';
import { planSuite } from '@keyless/testing/emulator-suite';
import pg from 'pg';

const region = 'eu-west-1';

/** What the reporter meets: its bucket, the ledger database and secrets, the roles. */
const reporterParts = ['bucket', 'database', 'roles'] as const satisfies BootstrapPart[];
/** What the api process of the admin-route test needs besides (startApi). */
const apiParts = ['uploads-table', 'user-directory'] as const satisfies BootstrapPart[];

/** What a suite of the reporter system needs of the emulator (the STS front asks it for sessions). */
export const reporterNeeds: readonly Capability[] = [...bootstrapNeedsOf(reporterParts), 'sts'];
/** What a test that also starts the api needs (emulatorSuite(apiNeeds, …) inside the suite). */
export const apiNeeds: readonly Capability[] = bootstrapNeedsOf(apiParts);
const clusterName = 'keyless';
const reporter = { namespace: 'keyless', serviceAccount: 'usage-reporter' } as const;

export interface ReporterSystem {
  /** The api's parts (uploads table, user pool) only where the emulator has them: see apiNeeds. */
  platform: PlatformDescription<(typeof reporterParts)[number]>;
  /** AWS_ENDPOINT_URL_STS for workloads. */
  stsEndpoint: string;
  /** The "EKS cluster" issuer, to mint service-account tokens. */
  eks: OidcIssuer;
  /** What EKS injects into the usage-reporter pod for IRSA (a token file rotated as the kubelet does). */
  irsa: IrsaEnvironment;
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI of the Pod Identity agent. */
  podIdentityAgent: string;
  ecs: EcsCredentialsEndpoint;
  logger: Logger;
  /** Every JSON line the identity plane wrote (the STS front's decisions among them). */
  lines: Record<string, unknown>[];
  /** A scratch directory, removed on stop. */
  dir: string;
  /** A superuser connection to the `ledger` database (seeding, locking). */
  ledgerAdmin: pg.Pool;
  /** The ledger's RDS-Proxy-like front (local/rds-proxy): the reporter's only way to the ledger. */
  ledgerProxy: RdsProxy;
  /** The local CA file the front's certificate chains to (DB_SSL_CA_FILE). */
  caFile: string;
  /** Every connection attempt the front decided, as trail records. */
  connects: CloudTrailRecord[];
  stop(): Promise<void>;
}

export async function startReporterSystem(): Promise<ReporterSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-reporter-test-'));
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ service: 'identity-plane', level: 'info', destination });
  const stoppers: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    // The harness's emulator and PostgreSQL (processes, or containers with
    // KEYLESS_TEST_BACKEND=containers), so the test knows the superuser for migrations and seeding.
    const harness = await startTestPlatform({ database: true });
    stoppers.push(harness.stop);
    const database = harness.database;
    if (!database) throw new Error('the test platform started no database');
    const issuers = await startOidcIssuers();
    stoppers.push(issuers.close);
    const withApi = planSuite(apiNeeds).lacking.length === 0;
    const platform = await startLocalPlatform({
      region,
      parts: withApi ? [...reporterParts, ...apiParts] : reporterParts,
      awsEndpoint: harness.awsEndpoint,
      databaseUrl: database.adminUrl,
      github: { owner: 'keyless-example', repo: 'keyless' },
      eksOidcIssuer: withoutScheme(issuers.eks.issuerUrl),
      githubOidcIssuer: withoutScheme(issuers.github.issuerUrl),
    });
    stoppers.push(platform.stop);
    const { accountId } = platform.description;
    const reporterRole = roleArn({ partition: 'aws', accountId }, 'usage-reporter');

    const ledgerUrl = new URL(database.adminUrl);
    ledgerUrl.pathname = `/${platform.description.resources.database.name}`;
    await migrate({ connection: ledgerUrl.toString() });
    const ledgerAdmin = new pg.Pool({ connectionString: ledgerUrl.toString(), max: 2 });
    // pool.end() resolves once it has asked its clients to end, not once they have: PostgreSQL,
    // stopped next, may still end a connection first (57P01), as an 'error' event of a client the
    // pool has let go, or one the pool re-emits for an idle client. At the stop that is expected;
    // a query's own error still reaches its caller.
    ledgerAdmin.on('connect', (client) => client.on('error', () => undefined));
    ledgerAdmin.on('error', () => undefined);
    stoppers.push(() => ledgerAdmin.end());

    // The sessions the STS front issues, as the permission gate learns them: the front checks each
    // IAM token's signature with the secret of the session that signed it.
    const sessions = createIssuedSessions();
    const sts = await startStsFront({
      onSessionIssued: sessions.recordRoleSession,
      emulator: { endpoint: platform.description.endpoints.aws, region },
      decisions: createDecisionLog({ destination }),
      // One-minute sessions: inside the SDK's five-minute refresh window, so every AWS call of a
      // run fetches credentials anew and reads the token file again, as a long run would on AWS.
      sessionDurations: { minimumSeconds: 60, defaultSeconds: 60 },
    });
    stoppers.push(sts.close);
    const ecs = await startEcsCredentialsEndpoint({
      issuer: sts.issueServiceCredentials,
      region,
      clusterName,
      logger,
    });
    stoppers.push(ecs.close);
    const podIdentity = await startPodIdentityAgent({
      issuer: sts.issueServiceCredentials,
      clusterArn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
      tokenIssuer: { issuerUrl: issuers.eks.issuerUrl, jwksUrl: issuers.eks.jwksUri },
      associations: [{ ...reporter, roleArn: reporterRole }],
      logger,
    });
    stoppers.push(podIdentity.close);
    const irsaToken = await startProjectedTokenFile({
      minter: issuers.eks,
      path: join(dir, 'tokens', 'usage-reporter', 'eks.amazonaws.com', 'serviceaccount', 'token'),
      ...reporter,
      logger,
    });
    stoppers.push(irsaToken.stop);

    const admin = adminClients({ endpoint: platform.description.endpoints.aws, region });
    stoppers.push(() => Object.values(admin).forEach((client) => client.destroy()));
    const tls = await createLocalTls(['localhost']);
    const caFile = join(dir, 'keyless-local-ca.pem');
    writeFileSync(caFile, tls.caCertificate);
    const connects: CloudTrailRecord[] = [];
    const ledgerProxy = await startLedgerProxy({
      endpointHost: 'localhost',
      tls,
      names: platform.description.resources.names,
      decide: {
        sessions,
        roles: rolePoliciesFromIam(admin.iam, { cacheMs: 1_000 }),
        region,
        accountId,
      },
      secretsManager: admin.secretsManager,
      database: { host: database.host, port: database.port },
      trail: { append: (record) => connects.push(record) },
    });
    stoppers.push(ledgerProxy.stop);

    return {
      platform: platform.description,
      stsEndpoint: sts.endpoint,
      eks: issuers.eks,
      irsa: { AWS_ROLE_ARN: reporterRole, AWS_WEB_IDENTITY_TOKEN_FILE: irsaToken.path },
      podIdentityAgent: podIdentity.credentialsUrl,
      ecs,
      logger,
      lines,
      dir,
      ledgerAdmin,
      ledgerProxy,
      caFile,
      connects,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
