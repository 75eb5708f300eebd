// The reporter as a process against the whole local system: credentials only through the SDK's
// default chain (IRSA token file or Pod Identity agent → the local identity plane), the ledger in a
// real PostgreSQL read through the ledger's RDS-Proxy-like front with an IAM token (no secret),
// reports in the emulator's S3, and the API's admin route handing the result out.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseReportKey, REPORT_POINTER_KEY } from '@keyless/contracts';
import {
  irsaEnvironment,
  mintServiceAccountToken,
  POD_IDENTITY_AUDIENCE,
  startProjectedTokenFile,
} from '@keyless/identity-plane';
import { adminClients } from '@keyless/local-platform';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { usageReportSchema } from '../src/usage-report.ts';
import { adminAccessToken, startApi } from './support/api-process.ts';
import { lineWith, runReporter, startReporter } from './support/reporter-process.ts';
import {
  apiNeeds,
  reporterNeeds,
  startReporterSystem,
  type ReporterSystem,
} from './support/reporter-system.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(reporterNeeds, () => {
  let fixture: ReporterSystem;
  const s3 = () =>
    adminClients({ endpoint: fixture.platform.endpoints.aws, region: fixture.platform.region }).s3;
  const bucket = () => fixture.platform.resources.names.bucket;
  const irsa = () => ({ ...fixture.irsa });

  async function objectText(key: string): Promise<string> {
    const { Body } = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return (await Body?.transformToString()) ?? '';
  }

  const latestKey = async () => (JSON.parse(await objectText(REPORT_POINTER_KEY)) as { key: string }).key;

  async function reportKeys(): Promise<string[]> {
    const { Contents = [] } = await s3().send(
      new ListObjectsV2Command({ Bucket: bucket(), Prefix: 'reports/' }),
    );
    return Contents.map((object) => object.Key ?? '').filter((key) => key !== REPORT_POINTER_KEY);
  }

  const decisions = (outcome: 'allowed' | 'denied') =>
    fixture.lines.filter(
      (line) =>
        line.event === 'sts.decision' &&
        line.decision === outcome &&
        String(line.role).endsWith(':role/usage-reporter') &&
        line.action === 'sts:AssumeRoleWithWebIdentity',
    );

  /** Writes a token file the way the kubelet does (a new file renamed over the old one). */
  function writeTokenFile(path: string, token: string): void {
    mkdirSync(join(path, '..'), { recursive: true });
    const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, token, { mode: 0o600 });
    renameSync(temporary, path);
  }

  const serviceAccountToken = (serviceAccount: string) =>
    mintServiceAccountToken(fixture.eks, { namespace: 'keyless', serviceAccount });

  /**
   * Holds an exclusive lock on `user_usage` until released, so a reporter stops in the middle of
   * its run (after its credentials and secret, at the ledger read) for as long as a test needs.
   */
  async function lockUsage(): Promise<{ release(): Promise<void> }> {
    const client: pg.PoolClient = await fixture.ledgerAdmin.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE user_usage IN ACCESS EXCLUSIVE MODE');
    return {
      async release() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }

  /** Waits until `count` reporter connections are blocked on a lock. */
  async function reportersWaitingOnLock(count: number): Promise<void> {
    for (;;) {
      const { rows } = await fixture.ledgerAdmin.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE application_name = 'usage-reporter' AND wait_event_type = 'Lock'`,
      );
      if ((rows[0]?.waiting ?? 0) >= count) return;
      await sleep(100);
    }
  }

  beforeAll(async () => {
    fixture = await startReporterSystem();
    await fixture.ledgerAdmin.query(
      `INSERT INTO user_usage (owner_sub, uploads_count, bytes_total, updated_at) VALUES
       ('owner-active', 3, 3000, now() - interval '1 hour'),
       ('owner-idle', 2, 500, now() - interval '30 days'),
       ('owner-big', 1, 5000000000000, now() - interval '2 hours')`,
    );
  }, 180_000);
  afterAll(() => fixture?.stop());

  describe('IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE and nothing else', () => {
    let run: Awaited<ReturnType<typeof runReporter>>;

    beforeAll(async () => {
      run = await runReporter(fixture, irsa());
    });

    test('exits 0 having acted as the usage-reporter role, through the STS front', () => {
      expect(run.code, JSON.stringify(run.lines) + run.stderr).toBe(0);
      expect(String(lineWith(run.lines, 'credentials resolved')?.arn)).toMatch(
        /:assumed-role\/usage-reporter\//,
      );
      expect(decisions('allowed').length).toBeGreaterThan(0);
    });

    test('writes the report (schema version, generation time, period) and points latest.json at it', async () => {
      const written = lineWith(run.lines, 'report written');
      const key = String(written?.key);
      expect(key).toMatch(/^reports\/\d{4}\/\d{2}\/\d{2}\/usage-\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}\.json$/);
      const report = usageReportSchema.parse(JSON.parse(await objectText(key)));
      expect(report.schemaVersion).toBe(1);
      expect(parseReportKey(key)?.periodEnd.toISOString()).toBe(report.period.end);
      expect(Date.parse(report.period.end) - Date.parse(report.period.start)).toBe(24 * 3_600_000);
      expect(
        report.owners.map(({ ownerSub, uploads, bytes, activeInPeriod }) => ({
          ownerSub,
          uploads,
          bytes,
          activeInPeriod,
        })),
      ).toEqual([
        { ownerSub: 'owner-active', uploads: 3, bytes: 3000, activeInPeriod: true },
        { ownerSub: 'owner-big', uploads: 1, bytes: 5_000_000_000_000, activeInPeriod: true },
        { ownerSub: 'owner-idle', uploads: 2, bytes: 500, activeInPeriod: false },
      ]);
      expect(report.totals).toEqual({ owners: 3, activeOwners: 2, uploads: 6, bytes: 5_000_000_003_500 });
      expect(JSON.parse(await objectText(REPORT_POINTER_KEY))).toEqual({ key });
      expect(lineWith(run.lines, 'latest report updated')?.latest).toBe('created');
    });

    // The api needs its table and user pool, which not every emulator has.
    emulatorSuite(apiNeeds, () => {
      test("the API's admin route (the api process, with its own task role) returns that report", async () => {
        const api = await startApi(fixture);
        try {
          const response = await fetch(`${api.url}/v1/admin/reports/latest`, {
            headers: { authorization: `Bearer ${await adminAccessToken(fixture)}` },
          });
          expect(response.status).toBe(200);
          const body = (await response.json()) as { key: string; download: { method: string; url: string } };
          expect(body.key).toBe(await latestKey());
          const download = await fetch(body.download.url);
          expect(download.status).toBe(200);
          expect(await download.text()).toBe(await objectText(body.key));
        } finally {
          await api.stop();
        }
      });
    });
  });

  test('a token for another service account: exit 1, the STS front refused the role and said why', async () => {
    const tokenFile = join(fixture.dir, 'api-sa', 'token');
    writeTokenFile(tokenFile, await serviceAccountToken('api'));
    const before = { latest: await latestKey(), reports: await reportKeys() };
    const { code, lines } = await runReporter(fixture, {
      AWS_ROLE_ARN: irsa().AWS_ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    });
    expect(code).toBe(1);
    const failure = lineWith(lines, 'usage report failed');
    expect(failure?.level).toBe('error');
    expect(failure?.step).toBe('credentials');
    expect(String(failure?.reason)).toMatch(
      /Not authorized to perform sts:AssumeRoleWithWebIdentity \(trust-policy check/,
    );
    expect(String(failure?.reason)).toContain("got 'system:serviceaccount:keyless:api'");
    expect(decisions('denied').at(-1)).toMatchObject({
      caller: 'system:serviceaccount:keyless:api',
      check: 'trust-policy',
    });
    expect({ latest: await latestKey(), reports: await reportKeys() }).toEqual(before);
  });

  describe('the token file changes while a run is under way', () => {
    test('rotated by the kubelet (3-second tokens) while the run waits: the run completes', async () => {
      const tokenFile = await startProjectedTokenFile({
        minter: fixture.eks,
        path: join(fixture.dir, 'rotating', 'token'),
        namespace: 'keyless',
        serviceAccount: 'usage-reporter',
        expiresInSeconds: 3,
        logger: fixture.logger,
      });
      const lock = await lockUsage();
      try {
        const run = startReporter(fixture, {
          ...irsaEnvironment(irsa().AWS_ROLE_ARN, tokenFile),
        });
        await reportersWaitingOnLock(1);
        const writesBefore = tokenFile.writes;
        const allowedBefore = decisions('allowed').length;
        while (tokenFile.writes < writesBefore + 2) await sleep(200);
        await lock.release();
        const { code, stderr } = await run.exited;
        expect(code, stderr).toBe(0);
        // The S3 writes after the pause fetched credentials again, with the rotated token.
        expect(decisions('allowed').length).toBeGreaterThan(allowedBefore);
        expect(await latestKey()).toBe(lineWith(run.lines, 'report written')?.key);
      } finally {
        await lock.release().catch(() => undefined);
        tokenFile.stop();
      }
    });

    test('the file is read again at every refresh: a token swapped for another account’s mid-run is refused', async () => {
      const tokenFile = join(fixture.dir, 'swapped', 'token');
      writeTokenFile(tokenFile, await serviceAccountToken('usage-reporter'));
      const before = await reportKeys();
      const lock = await lockUsage();
      try {
        const run = startReporter(fixture, {
          AWS_ROLE_ARN: irsa().AWS_ROLE_ARN,
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        });
        await reportersWaitingOnLock(1);
        writeTokenFile(tokenFile, await serviceAccountToken('api'));
        await lock.release();
        const { code } = await run.exited;
        expect(code).toBe(1);
        const failure = lineWith(run.lines, 'usage report failed');
        expect(failure?.step).toBe('write-report');
        expect(String(failure?.reason)).toContain("got 'system:serviceaccount:keyless:api'");
        expect(await reportKeys()).toEqual(before);
      } finally {
        await lock.release().catch(() => undefined);
      }
    });
  });

  test('the ledger through its proxy: an IAM token of the reporter role, rds-db:connect on exactly its dbuser, a ledger_reader session', async () => {
    const lock = await lockUsage();
    try {
      const run = startReporter(fixture, irsa());
      await reportersWaitingOnLock(1);
      const { rows } = await fixture.ledgerAdmin.query<{ usename: string }>(
        "SELECT usename FROM pg_stat_activity WHERE application_name = 'usage-reporter'",
      );
      expect(rows).toEqual([{ usename: 'ledger_reader' }]);
      await lock.release();
      const { code, stderr } = await run.exited;
      expect(code, stderr).toBe(0);
    } finally {
      await lock.release().catch(() => undefined);
    }
    const { accountId, resources } = fixture.platform;
    const connect = fixture.connects.at(-1);
    expect(connect?.additionalEventData.decision).toBe('allowed');
    expect(connect?.eventName).toBe('connect');
    expect(connect?.userIdentity.arn).toMatch(/:assumed-role\/usage-reporter\//);
    expect(connect?.resources?.map((resource) => resource.ARN)).toEqual([
      `arn:aws:rds-db:${fixture.platform.region}:${accountId}:dbuser:${resources.names.ledgerProxyResourceId}/ledger_reader`,
    ]);
  });

  test('SIGTERM during a run (the pod stopped): the run finishes, the report is written, exit 0', async () => {
    const lock = await lockUsage();
    try {
      const run = startReporter(fixture, irsa());
      await reportersWaitingOnLock(1);
      run.signal('SIGTERM');
      await expect.poll(() => lineWith(run.lines, 'stopping')).toMatchObject({ signal: 'SIGTERM' });
      await lock.release();
      const { code, stderr } = await run.exited;
      expect(code, stderr).toBe(0);
      expect(await latestKey()).toBe(lineWith(run.lines, 'report written')?.key);
    } finally {
      await lock.release().catch(() => undefined);
    }
  });

  test('two runs at once: both reports written, latest.json valid and naming the newer one', async () => {
    const lock = await lockUsage();
    // Both take their snapshot, then wait on the lock; released together, they race to the pointer.
    const runs = [0, 1].map(() => startReporter(fixture, irsa()));
    try {
      await reportersWaitingOnLock(2);
    } finally {
      await lock.release();
    }
    const results = await Promise.all(runs.map((run) => run.exited));
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    const keys = results.map((result) => String(lineWith(result.lines, 'report written')?.key));
    const newest = [...keys]
      .sort(
        (a, b) =>
          (parseReportKey(a)?.periodEnd.getTime() ?? 0) - (parseReportKey(b)?.periodEnd.getTime() ?? 0),
      )
      .at(-1);
    const pointer = JSON.parse(await objectText(REPORT_POINTER_KEY)) as unknown;
    expect(pointer).toEqual({ key: newest });
    for (const key of keys) usageReportSchema.parse(JSON.parse(await objectText(key)));
    const outcomes = results.map(
      (result) =>
        lineWith(result.lines, 'latest report updated')?.latest ??
        lineWith(result.lines, 'a newer report is already latest')?.latest,
    );
    expect(outcomes).toContain('replaced');
  });

  test('EKS Pod Identity: the agent endpoint and its token file, same code, same role', async () => {
    const tokenFile = await startProjectedTokenFile({
      minter: fixture.eks,
      path: join(fixture.dir, 'pod-identity', 'token'),
      namespace: 'keyless',
      serviceAccount: 'usage-reporter',
      audience: POD_IDENTITY_AUDIENCE,
      logger: fixture.logger,
    });
    try {
      const { code, lines, stderr } = await runReporter(fixture, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fixture.podIdentityAgent,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile.path,
      });
      expect(code, stderr).toBe(0);
      expect(String(lineWith(lines, 'credentials resolved')?.arn)).toMatch(
        /:assumed-role\/usage-reporter\/eks-keyless-/,
      );
      expect(await latestKey()).toBe(lineWith(lines, 'report written')?.key);
    } finally {
      tokenFile.stop();
    }
  });
});
