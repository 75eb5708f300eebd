// The usage-reporter CronJob end to end on the control plane, with the real reporter: the emulator
// and a real PostgreSQL bootstrapped as `npm start` bootstraps them (the cluster's issuer
// registered as the IAM OIDC provider, the usage-reporter role's trust policy naming it), the
// ledger migrated and seeded; a run of the CronJob created by the controllers, mutated by the
// webhook, run by the node agent; the report in S3 and the Pod `Succeeded`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { REPORT_POINTER_KEY } from '@keyless/contracts';
import { migrate } from '@keyless/db/migrate';
import { roleArn } from '@keyless/iam-model';
import {
  createDecisionLog,
  startStsFront,
  withoutScheme,
  type Decision,
  type StsFront,
} from '@keyless/identity-plane';
import { adminClients, startLocalPlatform } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterIssuerLocation } from '../../src/aws/register-cluster-issuer.ts';
import { startNodeAgent, type NodeAgent } from '../../src/node-agent/node-agent.ts';
import type { Pod } from '../../src/node-agent/pod-spec.ts';
import { useCluster } from '../support/cluster.ts';
import { applyLocalPodEnvironment } from '../support/local-pod-environment.ts';
import { renderOverlay } from '../support/rendered-overlays.ts';

const fixture = useCluster({ webhook: true });
const NAMESPACE = 'keyless';
const IMAGE = '000000000000.dkr.ecr.eu-west-1.amazonaws.com/keyless/usage-reporter:local';
const reporterDir = join(import.meta.dirname, '../../../../apps/usage-reporter');

let harness: TestPlatform;
let platform: Awaited<ReturnType<typeof startLocalPlatform>>;
let front: StsFront;
let agent: NodeAgent | undefined;
const decisionLines: string[] = [];
const output: string[] = [];

beforeAll(async () => {
  harness = await startTestPlatform({ database: true });
  const database = harness.database;
  if (!database) throw new Error('the test platform started no database');
  const region = harness.region;
  platform = await startLocalPlatform({
    region,
    parts: ['bucket', 'database', 'roles'],
    awsEndpoint: harness.awsEndpoint,
    databaseUrl: database.adminUrl,
    github: { owner: 'keyless-example', repo: 'keyless' },
    // The cluster's own issuer: the bootstrap registers it as the IAM OIDC provider and names it in
    // the usage-reporter role's trust policy, as the CDK app does with the cluster's.
    eksOidcIssuer: withoutScheme(fixture.cluster.issuer),
    githubOidcIssuer: 'token.actions.githubusercontent.com',
  });
  const ledgerUrl = new URL(database.adminUrl);
  ledgerUrl.pathname = `/${platform.description.resources.database.name}`;
  await migrate({ connection: ledgerUrl.toString() });
  const ledger = new pg.Pool({ connectionString: ledgerUrl.toString(), max: 1 });
  await ledger.query(
    `INSERT INTO user_usage (owner_sub, uploads_count, bytes_total, updated_at) VALUES ('owner-active', 3, 3000, now())`,
  );
  await ledger.end();
  front = await startStsFront({
    emulator: { endpoint: platform.description.endpoints.aws, region },
    decisions: createDecisionLog({
      destination: { write: (chunk: string) => void decisionLines.push(chunk) },
    }),
    issuerLocations: clusterIssuerLocation(fixture.cluster),
  });
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await front?.close();
  await platform?.stop();
  await harness?.stop();
});

async function eventually<T>(read: () => Promise<T | undefined>, attempts = 900): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`never got there:\n${output.join('\n')}`);
}

describe('the usage-reporter CronJob on the control plane', () => {
  it('runs the reporter as the Pod the webhook mutated, and the report lands in S3', async () => {
    const { region, resources, accountId, endpoints } = {
      ...platform.description,
      region: harness.region,
    };
    const usageReporterRole = roleArn({ partition: 'aws', accountId }, 'usage-reporter');
    const manifests = renderOverlay('irsa', {
      roleArn: usageReporterRole,
      image: IMAGE,
      bucket: resources.names.bucket,
      region,
    });
    expect(fixture.kubectl(['apply', '--server-side', '-f', '-'], manifests).status).toBe(0);
    applyLocalPodEnvironment(fixture, {
      AWS_ENDPOINT_URL: endpoints.aws,
      AWS_ENDPOINT_URL_STS: front.endpoint,
      DB_SSL_MODE: 'disable',
    });

    const home = join(fixture.cluster.stateDir, 'home');
    mkdirSync(home);
    agent = startNodeAgent({
      client: fixture.cluster.admin,
      namespace: NAMESPACE,
      volumeRoot: join(fixture.cluster.stateDir, 'pods'),
      imageCommand: (image) =>
        image === IMAGE
          ? {
              command: process.execPath,
              args: ['--import', '@keyless/telemetry/register', 'src/main.ts'],
              cwd: reporterDir,
            }
          : undefined,
      // What the image's ENV and passwd entry give the container.
      imageEnvironment: { PATH: process.env.PATH ?? '', HOME: home },
      log: (line) => output.push(line),
    });

    expect(
      fixture.kubectl([
        '--namespace',
        NAMESPACE,
        'create',
        'job',
        'report-now',
        '--from=cronjob/usage-reporter',
      ]).status,
    ).toBe(0);
    const admin = fixture.cluster.admin;
    const pod = await eventually(async () => {
      const pods = await admin.ok<{ items: Pod[] }>(
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=job-name%3Dreport-now`,
      );
      const phase = pods.items[0]?.status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? pods.items[0] : undefined;
    });
    expect(pod.status?.phase, output.join('\n')).toBe('Succeeded');
    const env = Object.fromEntries(
      (pod.spec.containers[0]?.env ?? []).map(({ name, value }) => [name, value]),
    );
    expect(env.AWS_ROLE_ARN).toBe(usageReporterRole);

    const { s3 } = adminClients({ endpoint: endpoints.aws, region });
    const pointer = await s3.send(
      new GetObjectCommand({ Bucket: resources.names.bucket, Key: REPORT_POINTER_KEY }),
    );
    const { key } = JSON.parse((await pointer.Body?.transformToString()) ?? '{}') as { key: string };
    const report = await s3.send(new GetObjectCommand({ Bucket: resources.names.bucket, Key: key }));
    const body = JSON.parse((await report.Body?.transformToString()) ?? '{}') as {
      owners: Array<{ ownerSub: string }>;
    };
    expect(body.owners.map((owner) => owner.ownerSub)).toContain('owner-active');
    s3.destroy();

    const decisions = decisionLines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Decision & { caller?: string; issuer?: string });
    expect(decisions.at(-1)).toMatchObject({
      caller: 'system:serviceaccount:keyless:usage-reporter',
      issuer: fixture.cluster.issuer,
      decision: 'allowed',
    });
  });
});
