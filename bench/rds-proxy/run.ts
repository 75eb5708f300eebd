// `npm run bench:rds-proxy`: what the ledger's RDS-Proxy-like front (local/rds-proxy) costs a
// client, against a direct TLS connection to the same PostgreSQL, in one run:
//   1. connect: a new connection (TLS verified against the local CA, login, first ReadyForQuery,
//      then end), direct with the password vs through the front with a fresh IAM token — signed per
//      connection, as the reporter does, so the signing is in the figure — alternating (ABAB…);
//   2. `select 1`: the round trip on an open connection, direct vs through the front, alternating;
//   3. the token's parts alone: signing (@aws-sdk/rds-signer) and the front's check (checkToken).
// Writes bench/results/rds-proxy.json. Not a test: the machine is shared, so only the ratios of one
// run compare. Targets (issue #26): connect ≤ 1.5× direct, `select 1` ≤ +0.1 ms.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { Signer } from '@aws-sdk/rds-signer';
import { startEmbeddedDatabase } from '@keyless/local-platform';
import { createIssuedSessions, createLocalTls, type RolePolicySource } from '@keyless/permission-gate';
import { checkToken, startRdsProxy } from '@keyless/rds-proxy';
import pg from 'pg';
import { enableTls } from './tls-postgres.ts';

const root = join(import.meta.dirname, '..', '..');
const outFile = join(root, 'bench', 'results', 'rds-proxy.json');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTS = env('BENCH_CONNECTS', 300);
const QUERIES = env('BENCH_QUERIES', 5_000);
const ROUND = 50;
const region = 'eu-west-1';
const accountId = '123456789012';
const resourceId = 'prx-keylesslocal00001';
const user = 'bench_reader';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round3 = (value: number) => Math.round(value * 1_000) / 1_000;
const summary = (ms: number[]) => ({
  n: ms.length,
  medianMs: round3(median(ms)),
  p90Ms: round3([...ms].sort((a, b) => a - b)[Math.floor(ms.length * 0.9)] ?? Number.NaN),
});

const loadAtStart = loadavg();
const database = await startEmbeddedDatabase();
const tls = await createLocalTls(['localhost']);
const tlsDir = await enableTls(database.adminUrl, tls);
const password = randomBytes(18).toString('base64url');
const admin = new pg.Client({ connectionString: database.adminUrl });
await admin.connect();
await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
await admin.end();

// A role session as the identity plane issues it, with the grant the usage-reporter has.
const sessions = createIssuedSessions();
const credentials = {
  accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
  secretAccessKey: randomBytes(30).toString('base64'),
  sessionToken: randomBytes(200).toString('base64'),
};
sessions.recordRoleSession({
  credentials: { ...credentials, expiration: new Date(Date.now() + 3_600_000) },
  roleArn: `arn:aws:iam::${accountId}:role/usage-reporter`,
  assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/usage-reporter/bench`,
  sessionName: 'bench',
});
const policy = {
  Version: '2012-10-17' as const,
  Statement: [
    {
      Effect: 'Allow' as const,
      Action: 'rds-db:connect',
      Resource: `arn:aws:rds-db:${region}:${accountId}:dbuser:${resourceId}/${user}`,
    },
  ],
};
const roles: RolePolicySource = {
  get: async () => ({ identity: { permissions: policy } }),
  forget: () => undefined,
};
const decide = { sessions, roles, region, accountId };
const proxy = await startRdsProxy({
  endpointHost: 'localhost',
  tls,
  resourceId,
  decide,
  upstream: { host: database.host, port: database.port },
  credentialFor: async (name) => (name === user ? { username: user, password } : undefined),
});
const signer = new Signer({ hostname: 'localhost', port: proxy.port, username: user, region, credentials });
const ssl = { ca: tls.caCertificate, servername: 'localhost' };
const direct = (): pg.ClientConfig => ({
  host: 'localhost',
  port: database.port,
  user,
  password,
  database: 'postgres',
  ssl,
});
const viaProxy = async (): Promise<pg.ClientConfig> => ({
  host: 'localhost',
  port: proxy.port,
  user,
  password: await signer.getAuthToken(),
  database: 'postgres',
  ssl,
});

async function connectOnce(config: () => pg.ClientConfig | Promise<pg.ClientConfig>): Promise<number> {
  const started = performance.now();
  const client = new pg.Client(await config());
  await client.connect();
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

async function roundTrips(client: pg.Client, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await client.query('select 1');
    times.push(performance.now() - started);
  }
  return times;
}

try {
  // Warm-up: JIT, TLS session machinery, the catalogue of the gate.
  for (let i = 0; i < 20; i++) {
    await connectOnce(direct);
    await connectOnce(viaProxy);
  }
  const connect = { direct: [] as number[], proxy: [] as number[] };
  for (let done = 0; done < CONNECTS; done += ROUND) {
    const order = (done / ROUND) % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const);
    for (const side of order) {
      for (let i = 0; i < ROUND; i++)
        connect[side].push(await connectOnce(side === 'direct' ? direct : viaProxy));
    }
  }

  const directClient = new pg.Client(direct());
  const proxyClient = new pg.Client(await viaProxy());
  await directClient.connect();
  await proxyClient.connect();
  const query = { direct: [] as number[], proxy: [] as number[] };
  await roundTrips(directClient, 200);
  await roundTrips(proxyClient, 200);
  for (let done = 0; done < QUERIES; done += 500) {
    const order = (done / 500) % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const);
    for (const side of order)
      query[side].push(...(await roundTrips(side === 'direct' ? directClient : proxyClient, 500)));
  }
  await directClient.end();
  await proxyClient.end();

  // The token's own parts, alone.
  const signing: number[] = [];
  const checking: number[] = [];
  for (let i = 0; i < 500; i++) {
    let started = performance.now();
    const token = await signer.getAuthToken();
    signing.push(performance.now() - started);
    started = performance.now();
    const check = await checkToken(
      token,
      {
        endpoint: proxy.endpoint,
        startupUser: user,
        sourceIp: '127.0.0.1',
        tls: { version: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384' },
      },
      { ...decide, dbiResourceId: resourceId },
    );
    checking.push(performance.now() - started);
    if (!check.ok) throw new Error(`the bench's token was refused: ${check.message}`);
  }

  const connectRatio = round3(median(connect.proxy) / median(connect.direct));
  const selectDeltaMs = round3(median(query.proxy) - median(query.direct));
  const result = {
    benchmark: 'rds-proxy',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      kernel: release(),
      loadAverageAtStart: loadAtStart.map(round3),
      loadAverageAtEnd: loadavg().map(round3),
    },
    versions: { node: process.version },
    settings: {
      connects: CONNECTS,
      queries: QUERIES,
      order: `alternating rounds of ${ROUND} connections / 500 queries`,
      direct: 'pg → PostgreSQL, TLS verify-full (local CA), SCRAM-SHA-256 login',
      proxy:
        'pg → local/rds-proxy, TLS verify-full, a fresh @aws-sdk/rds-signer token per connection, checkToken + rds-db:connect, then an upstream SCRAM-SHA-256 login (plain TCP, no pooling)',
    },
    connect: {
      direct: summary(connect.direct),
      proxy: summary(connect.proxy),
      ratio: connectRatio,
      target: '≤ 1.5',
    },
    selectOne: {
      direct: summary(query.direct),
      proxy: summary(query.proxy),
      deltaMs: selectDeltaMs,
      target: '≤ +0.1 ms',
    },
    token: { signMs: summary(signing), checkMs: summary(checking) },
    met: { connect: connectRatio <= 1.5, selectOne: selectDeltaMs <= 0.1 },
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `connect: direct ${result.connect.direct.medianMs} ms, through the front ${result.connect.proxy.medianMs} ms (×${connectRatio}); ` +
      `select 1: direct ${result.selectOne.direct.medianMs} ms, through the front ${result.selectOne.proxy.medianMs} ms (+${selectDeltaMs} ms); ` +
      `token: sign ${result.token.signMs.medianMs} ms, check ${result.token.checkMs.medianMs} ms → ${outFile}`,
  );
} finally {
  await proxy.stop();
  await database.stop();
  rmSync(tlsDir, { recursive: true, force: true });
}
