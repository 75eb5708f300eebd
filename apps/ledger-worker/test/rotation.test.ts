// Rotating `ledger/writer` while messages flow, step by step as Secrets Manager's single-user
// rotation function does it: createSecret (new version staged AWSPENDING), setSecret (ALTER ROLE),
// finishSecret (AWSCURRENT moved to the new version). The worker must lose nothing, count nothing
// twice, and refresh its secret once.
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { UploadProcessedV1 } from '@keyless/contracts';
import { ledgerNeeds, startLedgerTestPlatform, type LedgerTestPlatform } from '@keyless/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { countRows, drainedQueue, sendEvents, uploadEvent, usageOf } from './support/ledger-fixture.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(ledgerNeeds, () => {
  let ledger: LedgerTestPlatform;
  let db: pg.Client;
  let worker: WorkerProcess;
  let queueUrl: string;
  const poll = { timeout: 60_000, interval: 100 };

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
    db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await db.connect();
    queueUrl = ledger.resources.queues.ledgerEvents.url;
    worker = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      queueUrl,
      CONCURRENCY: '4',
      LOG_LEVEL: 'info',
    });
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
    await ledger?.stop();
  });

  const writerSessions = async () =>
    Number(
      (
        await db.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [
          ledger.resources.database.writer,
        ])
      ).rows[0]?.n,
    );

  /** The three steps of single-user rotation that change anything. */
  async function rotateWriterSecret(): Promise<string> {
    const sm = ledger.admin.secretsManager;
    const secretId = ledger.resources.names.writerSecret;
    const { VersionIdsToStages = {} } = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    const currentVersion = Object.keys(VersionIdsToStages).find((id) =>
      VersionIdsToStages[id]?.includes('AWSCURRENT'),
    );
    const { SecretString } = await sm.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
    );
    const password = randomBytes(24).toString('base64url');
    const token = randomUUID();
    // createSecret
    await sm.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ ...JSON.parse(SecretString ?? '{}'), password }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    // setSecret
    await db.query(`ALTER ROLE ${ledger.resources.database.writer} PASSWORD ${db.escapeLiteral(password)}`);
    // finishSecret
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        RemoveFromVersionId: currentVersion,
      }),
    );
    return token;
  }

  test('rotation under load: every message committed exactly once, one forced refresh', async () => {
    const ownerSub = `rotation-${randomUUID()}`;
    const sent: UploadProcessedV1[] = [];
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch = Array.from({ length: 5 }, () => uploadEvent({ ownerSub, bytes: 3 }));
        await sendEvents(ledger.admin.sqs, queueUrl, batch);
        sent.push(...batch);
        await setTimeout(50);
      }
    })();

    let newVersion: string | undefined;
    try {
      // Under load the pool grows to its size (four connections) and keeps them open.
      await expect.poll(writerSessions, poll).toBe(4);
      newVersion = await rotateWriterSecret();
      // Old sessions stay logged in after ALTER ROLE; cut them, so the next logins meet the new password.
      await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [
        ledger.resources.database.writer,
      ]);
      await expect.poll(() => worker.logs('secret refreshed on demand').length, poll).toBe(1);
      // Keep the messages coming for a while on the new credentials.
      await setTimeout(1_000);
    } finally {
      producing = false;
      await producer;
    }

    const keys = sent.map((event) => event.idempotencyKey);
    await expect.poll(() => countRows(db, keys), poll).toBe(sent.length);
    await expect.poll(() => drainedQueue(ledger.admin.sqs, queueUrl), poll).toBe(true);
    expect(await usageOf(db, ownerSub)).toEqual({ uploads: sent.length, bytes: 3 * sent.length });

    const [refresh] = worker.logs('secret refreshed on demand');
    expect(refresh).toMatchObject({
      secretId: ledger.resources.names.writerSecret,
      versionId: newVersion,
      changed: true,
    });
    expect(worker.logs('database refused the credentials; refreshing the secret').length).toBeGreaterThan(0);
    expect(worker.logs('secret refreshed on demand')).toHaveLength(1);
    await expect
      .poll(() => worker.metricTotal('MessagesProcessed'), poll)
      .toBeGreaterThanOrEqual(sent.length);
    await expect.poll(() => worker.metricTotal('DbAuthRefreshes'), poll).toBeGreaterThan(0);
    expect(worker.child.exitCode).toBeNull();
  });
});
