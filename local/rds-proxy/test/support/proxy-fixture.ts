// A real PostgreSQL, the front in front of it with a certificate from the local CA, and role
// sessions as the identity plane would have issued them (the gate's own session registry), each
// role with the policies a test gives it: what the usage-reporter's pod sees, minus Kubernetes.
import { Signer } from '@aws-sdk/rds-signer';
import type { PolicyDocument } from '@keyless/iam-policy';
import { startEmbeddedDatabase, type DatabaseServer } from '@keyless/local-platform';
import {
  createIssuedSessions,
  createLocalTls,
  type CloudTrailRecord,
  type RolePolicySource,
} from '@keyless/permission-gate';
import { madeUpSecret, madeUpSessionKeyId } from '../../../permission-gate/test/support/fake-credentials.ts';
import { SignatureV4 } from '@smithy/signature-v4';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startRdsProxy, type ConnectEvent, type RdsProxy } from '../../src/index.ts';
import { NodeSha256 } from '@keyless/testing';

export const region = 'eu-west-1';
export const accountId = '123456789012';
export const resourceId = 'prx-0123456789abcdef0';
export const dbUser = 'ledger_reader';

export const dbUserArn = (user: string, id = resourceId) =>
  `arn:aws:rds-db:${region}:${accountId}:dbuser:${id}/${user}`;

export const connectPolicy = (resource: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ConnectAsLedgerReader', Effect: 'Allow', Action: 'rds-db:connect', Resource: resource },
  ],
});

export interface Caller {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  arn: string;
}

export interface ProxyFixture {
  database: DatabaseServer;
  proxy: RdsProxy;
  caCertificate: string;
  trail: CloudTrailRecord[];
  events: ConnectEvent[];
  /** A role with these policies, and a session of it the identity plane issued. */
  caller(roleName: string, policy: PolicyDocument): Caller;
  /** A token as the SDK makes it (defaults: this proxy's endpoint, `ledger_reader`). */
  token(caller: Caller, options?: { hostname?: string; port?: number; username?: string }): Promise<string>;
  /** A token whose X-Amz-Date is `ageMs` ago: what a token kept too long looks like. */
  tokenSignedAgo(caller: Caller, ageMs: number): Promise<string>;
  /** pg client options for the front, verify-full against the local CA. */
  clientConfig(password: string, extra?: Partial<pg.ClientConfig>): pg.ClientConfig;
  stop(): Promise<void>;
}

export async function startProxyFixture(): Promise<ProxyFixture> {
  const database = await startEmbeddedDatabase();
  const readerPassword = randomBytes(18).toString('base64url');
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${dbUser} LOGIN PASSWORD '${readerPassword}'`);
    await admin.query('CREATE TABLE ledger (id int primary key, note text)');
    await admin.query("INSERT INTO ledger VALUES (1, 'first')");
    await admin.query(`GRANT SELECT ON ledger TO ${dbUser}`);
  } finally {
    await admin.end();
  }

  const tls = await createLocalTls(['localhost']);
  const sessions = createIssuedSessions();
  const policies = new Map<string, PolicyDocument>();
  const roles: RolePolicySource = {
    get: async (name) => {
      const policy = policies.get(name);
      return policy && { identity: { inline: policy } };
    },
    forget: () => undefined,
  };
  const trail: CloudTrailRecord[] = [];
  const events: ConnectEvent[] = [];
  const proxy = await startRdsProxy({
    endpointHost: 'localhost',
    tls,
    resourceId,
    decide: { sessions, roles, region, accountId },
    upstream: { host: database.host, port: database.port },
    credentialFor: async (user) =>
      user === dbUser ? { username: dbUser, password: readerPassword } : undefined,
    trail: { append: (record) => trail.push(record) },
    onConnect: (event) => events.push(event),
  });

  const caller = (roleName: string, policy: PolicyDocument): Caller => {
    policies.set(roleName, policy);
    const credentials = {
      accessKeyId: madeUpSessionKeyId(),
      secretAccessKey: madeUpSecret(),
      sessionToken: randomBytes(24).toString('base64'),
    };
    const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/test`;
    sessions.recordRoleSession({
      credentials: { ...credentials, expiration: new Date(Date.now() + 3_600_000) },
      roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      assumedRoleArn: arn,
      sessionName: 'test',
    });
    return { credentials, arn };
  };

  return {
    database,
    proxy,
    caCertificate: tls.caCertificate,
    trail,
    events,
    caller,
    token: (who, options = {}) =>
      new Signer({
        hostname: options.hostname ?? 'localhost',
        port: options.port ?? proxy.port,
        username: options.username ?? dbUser,
        region,
        credentials: who.credentials,
      }).getAuthToken(),
    async tokenSignedAgo(who, ageMs) {
      const signer = new SignatureV4({
        service: 'rds-db',
        region,
        credentials: who.credentials,
        sha256: NodeSha256,
      });
      const presigned = await signer.presign(
        {
          method: 'GET',
          protocol: 'https:',
          hostname: 'localhost',
          port: proxy.port,
          path: '/',
          headers: { host: `localhost:${proxy.port}` },
          query: { Action: 'connect', DBUser: dbUser },
        },
        { expiresIn: 900, signingDate: new Date(Date.now() - ageMs) },
      );
      const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
      return `localhost:${proxy.port}/?${query}`;
    },
    clientConfig: (password, extra = {}) => ({
      host: 'localhost',
      port: proxy.port,
      user: dbUser,
      database: 'postgres',
      password,
      ssl: { ca: tls.caCertificate, servername: 'localhost' },
      ...extra,
    }),
    async stop() {
      await proxy.stop();
      await database.stop();
    },
  };
}
