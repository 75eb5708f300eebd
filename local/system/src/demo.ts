// `npm run demo`: every auth flow against the running system, hop by hop, with the
// credential mechanism that authorised each. Any step that does not behave as printed fails it.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { fromTokenFile } from '@aws-sdk/credential-providers';
import { REPORT_POINTER_KEY } from '@keyless/contracts';
import { adminClients } from '@keyless/emulator-admin';
import pg from 'pg';
import { rehearsals, rehearse } from './rehearse-deploy.ts';
import { runUsageReporter } from './run-usage-reporter.ts';
import { reporterLedgerAccess } from './reporter-ledger-access.ts';
import { samlSession, type PersonSession } from './sso.ts';
import { trustLocalCa } from './trust-local-ca.ts';
import type { SystemDescription } from './start-system.ts';
import { connectedSpans, readSpans, renderTree } from './trace-tree.ts';

export interface DemoStep {
  title: string;
  /** Which identity authorised the hop. */
  mechanism: string;
  run(state: DemoState): Promise<string>;
}

/**
 * One run of the usage-reporter with a service account's projected token: `usage-reporter` (its
 * own, IRSA) or `default` (a pod that forgot `serviceAccountName`). Resolves to the exit code;
 * the run's log lines go to `output`. By default a process as `npm start` runs it; under docker
 * compose, a container (`docker compose run`).
 */
export type ReporterRun = (
  serviceAccount: 'usage-reporter' | 'default',
  output: (service: string, line: string) => void,
) => Promise<number>;

export interface DemoOptions {
  runReporter?: ReporterRun;
}

export interface DemoState {
  system: SystemDescription;
  runReporter: ReporterRun;
  tokens: Record<string, string>;
  upload?: { uploadId: string; sha256: string; bytes: number };
  /** The demo user's `sub`, from /v1/me. */
  sub?: string;
  /** People's sessions (SAML), by user. */
  people?: Record<string, PersonSession['credentials']>;
  output: (service: string, line: string) => void;
}

class StepFailed extends Error {}
const expectThat = (condition: boolean, message: string) => {
  if (!condition) throw new StepFailed(message);
};

async function signIn(system: SystemDescription, username: string): Promise<string> {
  const user = system.resources.userDirectory.users.find((u) => u.username === username);
  const cognito = new CognitoIdentityProviderClient({
    region: system.region,
    endpoint: system.endpoints.aws,
  });
  try {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: system.resources.userDirectory.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: user?.password ?? '' },
      }),
    );
    return AuthenticationResult?.AccessToken ?? '';
  } finally {
    cognito.destroy();
  }
}

async function api(state: DemoState, path: string, init: RequestInit & { as?: string } = {}) {
  const token = state.tokens[init.as ?? 'demo'];
  const response = await fetch(`${state.system.albUrl}${path}`, {
    ...init,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(init.headers as Record<string, string>),
    },
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new StepFailed(`${what} did not happen within ${timeoutMs / 1000} s`);
}

/** The ledger as the reporter sees it: through the read-only user's secret. */
async function ledgerRow(system: SystemDescription, uploadId: string) {
  const { secretsManager } = adminClients({ endpoint: system.endpoints.aws, region: system.region });
  const { SecretString } = await secretsManager.send(
    new GetSecretValueCommand({ SecretId: system.resources.names.readerSecret }),
  );
  const secret = JSON.parse(SecretString ?? '{}') as pg.ClientConfig & { username: string; dbname: string };
  const client = new pg.Client({ ...secret, user: secret.username, database: secret.dbname });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; sha256: string }>(
      'SELECT bytes, sha256 FROM upload_events WHERE upload_id = $1',
      [uploadId],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/**
 * What a pod with the usage-reporter's IRSA variables can do: its own role's credentials, through
 * the gate — over HTTPS as the system's services call it, or over plain HTTP.
 */
async function readAsReporter(
  system: SystemDescription,
  key: string,
  over: 'tls' | 'plain' = 'tls',
): Promise<void> {
  const { gateEndpoint, gateTlsEndpoint, irsa } = system.identity;
  const endpoint = over === 'tls' ? gateTlsEndpoint : gateEndpoint;
  const s3 = new S3Client({
    region: system.region,
    endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: fromTokenFile({
      roleArn: irsa.AWS_ROLE_ARN,
      webIdentityTokenFile: irsa.AWS_WEB_IDENTITY_TOKEN_FILE,
      clientConfig: { region: system.region, endpoint },
    }),
  });
  try {
    await s3.send(new GetObjectCommand({ Bucket: system.resources.names.bucket, Key: key }));
  } finally {
    s3.destroy();
  }
}

/** S3 as a person's session, through the gate over HTTPS (the bucket refuses plain HTTP). */
function peopleS3(system: SystemDescription, credentials: PersonSession['credentials']): S3Client {
  return new S3Client({
    region: system.region,
    endpoint: system.identity.gateTlsEndpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials,
  });
}

function forgedToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', token_use: 'access', exp: now + 600, 'cognito:groups': ['admins'] })}.`;
}

export const demoSteps: DemoStep[] = [
  {
    title: 'sign in as demo and admin',
    mechanism: 'Cognito user pool, public app client (no AWS credentials involved)',
    run: async (state) => {
      state.tokens.demo = await signIn(state.system, 'demo');
      state.tokens.admin = await signIn(state.system, 'admin');
      expectThat(Boolean(state.tokens.demo && state.tokens.admin), 'Cognito returned no access token');
      return 'two access tokens issued';
    },
  },
  {
    title: 'GET /v1/me through the ALB',
    mechanism: 'access token verified by aws-jwt-verify against the pool JWKS',
    run: async (state) => {
      const { status, body } = await api(state, '/v1/me');
      expectThat(status === 200, `expected 200, got ${status}`);
      state.sub = String(body.sub);
      return `200, sub ${state.sub}`;
    },
  },
  {
    title: 'POST /v1/uploads, then PUT the file to S3 with the presigned URL',
    mechanism: 'api task role (ECS container credentials) signs the URL; the user holds no AWS credentials',
    run: async (state) => {
      const content = Buffer.concat([Buffer.from('keyless demo '), randomBytes(4096)]);
      const { status, body } = await api(state, '/v1/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          filename: 'demo report.txt',
          contentType: 'text/plain',
          size: content.length,
        }),
      });
      expectThat(status === 201, `expected 201, got ${status}`);
      const upload = body.upload as { url: string; method: string; headers: Record<string, string> };
      const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: content });
      expectThat(put.ok, `the presigned PUT failed with ${put.status}`);
      state.upload = {
        uploadId: String(body.uploadId),
        sha256: createHash('sha256').update(content).digest('hex'),
        bytes: content.length,
      };
      return `upload ${state.upload.uploadId} stored under incoming/`;
    },
  },
  {
    title: 'S3 event → Lambda fingerprints the object',
    mechanism: 'upload-processor execution role (Lambda environment credentials)',
    run: async (state) => {
      const item = await until('the upload being processed', async () => {
        const { body } = await api(state, `/v1/uploads/${state.upload?.uploadId}`);
        return body.status === 'PENDING' ? undefined : body;
      });
      expectThat(item.status === 'PROCESSED', `status is ${String(item.status)}`);
      expectThat(item.sha256 === state.upload?.sha256, 'the recorded sha256 differs from the uploaded bytes');
      return `PROCESSED, ${String(item.bytes)} bytes, sha256 ${String(item.sha256).slice(0, 12)}…`;
    },
  },
  {
    title: 'SQS ledger-events → ledger-worker writes the ledger row',
    mechanism: 'ledger-worker task role → Secrets Manager ledger/writer → PostgreSQL',
    run: async (state) => {
      const row = await until('the ledger row', () => ledgerRow(state.system, state.upload?.uploadId ?? ''));
      expectThat(row.sha256 === state.upload?.sha256, 'the ledger row has another sha256');
      return `upload_events row, ${row.bytes} bytes`;
    },
  },
  {
    title: 'usage-reporter run (the CronJob)',
    mechanism:
      'IRSA: projected service-account token → STS front AssumeRoleWithWebIdentity → usage-reporter role; IAM token → ledger proxy (rds-db:connect) → PostgreSQL as ledger_reader',
    run: async (state) => {
      // The trail's times are whole seconds.
      const since = new Date(Date.now() - 1_000);
      const code = await state.runReporter('usage-reporter', state.output);
      expectThat(code === 0, `the reporter exited ${code}`);
      const access = await until('the reporter’s ledger connection in the trail', async () => {
        const found = await reporterLedgerAccess(state.system.identity.trailFile, since);
        return found.connect && found;
      });
      expectThat(access.secretReads.length === 0, 'the reporter read a secret (GetSecretValue in the trail)');
      const dbUser = access.connect?.resources?.[0]?.ARN ?? '';
      return `report written to reports/, latest.json updated; ledger read through the proxy with an IAM token (rds-db:connect on ${dbUser}), no secret read`;
    },
  },
  {
    title: 'admin fetches the latest report',
    mechanism: 'admins group on the access token; api task role presigns the GET',
    run: async (state) => {
      const { status, body } = await api(state, '/v1/admin/reports/latest', { as: 'admin' });
      expectThat(status === 200, `expected 200, got ${status}`);
      const download = body.download as { url: string };
      const report = (await (await fetch(download.url)).json()) as {
        schemaVersion?: number;
        owners?: { ownerSub: string; uploads: number; bytes: number }[];
      };
      const mine = report.owners?.find((owner) => owner.ownerSub === state.sub);
      expectThat(report.schemaVersion === 1, 'the download is not a usage report');
      expectThat((mine?.uploads ?? 0) >= 1, "the report does not count the demo user's upload");
      return `${String(body.key)}: demo has ${mine?.uploads} upload(s), ${mine?.bytes} bytes`;
    },
  },
  {
    title: 'GitHub OIDC deploy rehearsal',
    mechanism: 'GitHub-shaped token → STS front → deploy role (environment:production)',
    run: async (state) => {
      const [deployJob] = rehearsals;
      const outcome = await rehearse(state.system, deployJob as (typeof rehearsals)[number]);
      expectThat(outcome.outcome === 'allowed', `deploy was ${outcome.outcome}: ${outcome.detail}`);
      return outcome.detail;
    },
  },
  {
    title: 'people: dana signs in at the local IdP (SAML) and lists the files bucket',
    mechanism:
      "the local IdP's signed assertion → AssumeRoleWithSAML (signature, issuer, audience, Role pair, trust policy) → role developer, read-only",
    run: async (state) => {
      const { system } = state;
      const dana = await samlSession(system, { username: 'dana', role: 'developer' });
      state.people = { dana: dana.credentials };
      const s3 = peopleS3(system, dana.credentials);
      try {
        const { KeyCount } = await s3.send(
          new ListObjectsV2Command({ Bucket: system.resources.names.bucket }),
        );
        return `${dana.assumedRoleArn} lists s3://${system.resources.names.bucket}/ (${KeyCount ?? 0} keys): npm run sso -- dana gives you the same as an AWS CLI profile`;
      } finally {
        s3.destroy();
      }
    },
  },
  {
    title: 'denied: a forged token (alg none, admins claimed) at the API',
    mechanism: 'aws-jwt-verify refuses it before any route runs',
    run: async (state) => {
      state.tokens.forged = forgedToken();
      const { status, type, body } = await api(state, '/v1/admin/reports/latest', { as: 'forged' });
      expectThat(
        status === 401 && type.startsWith('application/problem+json'),
        `expected a 401 problem, got ${status}`,
      );
      return `401 ${String(body.detail ?? body.title)}`;
    },
  },
  {
    title: 'denied: the reporter run with the default service account',
    mechanism: 'the usage-reporter trust policy pins sub to system:serviceaccount:keyless:usage-reporter',
    run: async (state) => {
      let denial = '';
      const code = await state.runReporter('default', (service, line) => {
        if (line.includes('AccessDenied') || line.includes('trust-policy')) denial ||= line;
        state.output(service, line);
      });
      expectThat(code !== 0, 'the reporter succeeded with the wrong service account');
      expectThat(denial !== '', 'the reporter did not log the STS denial');
      return `exit ${code}: STS front denied it (trust-policy check)`;
    },
  },
  {
    title: 'denied: a permission the role lacks (the reporter pod reads an upload)',
    mechanism:
      'the permission gate: the usage-reporter role may read reports/ only, so s3:GetObject on incoming/ is AccessDenied',
    run: async (state) => {
      const { system, upload, sub } = state;
      expectThat(Boolean(upload && sub), 'no upload to try to read (the upload step did not run)');
      const key = `incoming/${sub}/${upload?.uploadId}`;
      const error = await readAsReporter(system, key).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expectThat(error?.name === 'AccessDenied', `expected AccessDenied, got ${error?.name ?? 'the object'}`);
      expectThat(
        Boolean(
          error?.message.includes(
            `s3:GetObject on resource: arn:aws:s3:::${system.resources.names.bucket}/${key}`,
          ),
        ),
        `the denial does not name the action and resource: ${error?.message}`,
      );
      return `${error?.name}: ${error?.message} (npm run trail -- --denied shows the record)`;
    },
  },
  {
    title: 'denied: plain HTTP to the bucket (its policy requires TLS)',
    mechanism:
      "the bucket policy (the CDK's enforceSSL) denies every request with aws:SecureTransport false, whoever asks",
    run: async (state) => {
      const { system } = state;
      await readAsReporter(system, REPORT_POINTER_KEY, 'tls');
      const error = await readAsReporter(system, REPORT_POINTER_KEY, 'plain').then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expectThat(
        error?.name === 'AccessDenied',
        `expected AccessDenied over HTTP, got ${error?.name ?? 'the object'}`,
      );
      expectThat(
        Boolean(error?.message.includes('with an explicit deny in a resource-based policy')),
        `the denial does not name the bucket policy: ${error?.message}`,
      );
      return `over HTTPS the reporter reads ${REPORT_POINTER_KEY}; over HTTP ${error?.name}: ${error?.message}`;
    },
  },
  {
    title: 'denied: dana (developer, read-only) writes a report',
    mechanism: "the permission gate: the developer role's policies allow no s3:PutObject",
    run: async (state) => {
      const { system } = state;
      const credentials = state.people?.dana;
      expectThat(credentials !== undefined, 'dana has no session (the sign-in step did not run)');
      const s3 = peopleS3(system, credentials as NonNullable<typeof credentials>);
      const key = 'reports/by-dana.json';
      try {
        const error = await s3
          .send(new PutObjectCommand({ Bucket: system.resources.names.bucket, Key: key, Body: '{}' }))
          .then(
            () => undefined,
            (caught: unknown) => caught as Error,
          );
        expectThat(
          error?.name === 'AccessDenied',
          `expected AccessDenied, got ${error?.name ?? 'the write'}`,
        );
        expectThat(
          Boolean(
            error?.message.includes('assumed-role/developer/dana is not authorized to perform: s3:PutObject'),
          ),
          `the denial does not name dana's session and the action: ${error?.message}`,
        );
        return `${error?.name}: ${error?.message}`;
      } finally {
        s3.destroy();
      }
    },
  },
  {
    title: 'denied: a pull request token asking for deploy',
    mechanism: 'the deploy trust policy pins sub to repo:<owner>/<repo>:environment:production',
    run: async (state) => {
      const prAsksForDeploy = rehearsals.find((r) => r.role === 'deploy' && r.expect === 'denied');
      const outcome = await rehearse(state.system, prAsksForDeploy as (typeof rehearsals)[number]);
      expectThat(outcome.outcome === 'denied', 'the pull request got the deploy role');
      return outcome.detail;
    },
  },
];

/** Thrown by a step that cannot run against this system; printed, not counted as a failure. */
export class StepNotRun extends Error {}

/** The upload's trace: API → (link from object metadata) Lambda → (SQS message) worker. */
export const traceStep: DemoStep = {
  title: 'one trace across every hop',
  mechanism: 'W3C trace context: HTTP headers, S3 object metadata (span link), SQS message attributes',
  run: async (state) => {
    const file = state.system.tracesFile;
    if (!file) {
      // docker compose: the services export spans over OTLP (the observability profile), to no file.
      throw new StepNotRun(
        'not run: the system writes no traces file (under docker compose, spans go over OTLP)',
      );
    }
    const found = await until('the worker span joining the upload trace', async () => {
      const spans = readSpans(file);
      const post = spans
        .filter((span) => span.resource['service.name'] === 'api' && span.kind === 'SERVER')
        .filter(
          (span) =>
            span.attributes['http.route'] === '/v1/uploads' &&
            span.attributes['http.request.method'] === 'POST',
        )
        .at(-1);
      if (!post) return undefined;
      const graph = connectedSpans(spans, post.traceId);
      const services = new Set(graph.spans.map((span) => span.resource['service.name']));
      const lambdaLinked = graph.edges.some(
        (edge) => edge.kind === 'link' && edge.to.resource['service.name'] === 'upload-processor',
      );
      const workerJoined = graph.edges.some(
        (edge) =>
          edge.kind === 'parent' &&
          edge.from.resource['service.name'] === 'upload-processor' &&
          edge.to.resource['service.name'] === 'ledger-worker',
      );
      return lambdaLinked && workerJoined && services.has('api') ? graph : undefined;
    });
    return `\n${renderTree(found.spans, found.edges).replace(/^/gm, '     ')}`;
  },
};

/** The reporter as `npm start` runs it: a process with only the pod's IRSA variables. */
export const reporterProcess =
  (system: SystemDescription): ReporterRun =>
  (serviceAccount, output) =>
    runUsageReporter(
      system,
      output,
      serviceAccount === 'usage-reporter'
        ? system.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE
        : system.identity.defaultServiceAccountTokenFile,
    );

/** Runs every step in order; returns how many did not behave as printed. */
export async function runDemo(
  system: SystemDescription,
  print: (text: string) => void,
  options: DemoOptions = {},
): Promise<number> {
  // The api presigns URLs on the gate's HTTPS endpoint, whose certificate the local CA signed.
  trustLocalCa(system.identity.caFile);
  const state: DemoState = {
    system,
    runReporter: options.runReporter ?? reporterProcess(system),
    tokens: {},
    output: () => undefined,
  };
  let failures = 0;
  for (const [index, step] of [...demoSteps, traceStep].entries()) {
    print(`\n${index + 1}. ${step.title}\n   via ${step.mechanism}\n`);
    try {
      print(`   ✔ ${await step.run(state)}\n`);
    } catch (error) {
      if (error instanceof StepNotRun) {
        print(`   – ${error.message}\n`);
        continue;
      }
      failures++;
      print(`   ✘ ${(error as Error).message}\n`);
      if (!(error instanceof StepFailed)) break;
    }
  }
  return failures;
}
