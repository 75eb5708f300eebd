// PostgreSQL going away under a working worker: first its sessions are terminated, then the whole
// server is killed and started again. The worker recovers by itself; nothing is lost or counted twice.
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { UploadProcessedV1 } from '@keyless/contracts';
import { ledgerNeeds, startLedgerTestPlatform, type LedgerTestPlatform } from '@keyless/db/testing';
import { startEmbeddedDatabase, type DatabaseServer } from '@keyless/local-platform';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  countRows,
  drainedQueue,
  queueDepth,
  sendEvents,
  uploadEvent,
  usageOf,
} from './support/ledger-fixture.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(ledgerNeeds, () => {
  let postgres: DatabaseServer;
  let ledger: LedgerTestPlatform;
  let worker: WorkerProcess;
  let queueUrl: string;
  const poll = { timeout: 60_000, interval: 200 };

  beforeAll(async () => {
    postgres = await startEmbeddedDatabase();
    ledger = await startLedgerTestPlatform({ database: postgres });
    queueUrl = ledger.resources.queues.ledgerEvents.url;
    worker = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      queueUrl,
      CONCURRENCY: '4',
      DB_CONNECT_TIMEOUT_SECONDS: '2',
      LOG_LEVEL: 'info',
    });
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker?.stop();
    await ledger?.stop();
    await postgres?.stop();
  });

  /** A fresh superuser connection per question: the server goes away in between. */
  async function withLedger<T>(question: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await db.connect();
    try {
      return await question(db);
    } finally {
      await db.end();
    }
  }

  test('terminated sessions and a killed and restarted server: the worker recovers, nothing lost or doubled', async () => {
    const ownerSub = `restart-${randomUUID()}`;
    const sent: UploadProcessedV1[] = [];
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch = Array.from({ length: 5 }, () => uploadEvent({ ownerSub, bytes: 11 }));
        await sendEvents(ledger.admin.sqs, queueUrl, batch);
        sent.push(...batch);
        await setTimeout(50);
      }
    })();

    try {
      await expect.poll(() => sent.length, poll).toBeGreaterThan(20);
      await withLedger((db) =>
        db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [
          ledger.resources.database.writer,
        ]),
      );
      await setTimeout(500);

      await postgres.crash();
      await expect.poll(() => worker.readiness().then((r) => r.status), poll).toBe(503);
      await setTimeout(1_000);
      await postgres.restart();
      await worker.waitUntilReady();
      await setTimeout(1_000);
    } finally {
      producing = false;
      await producer;
    }

    const keys = sent.map((event) => event.idempotencyKey);
    await expect.poll(() => withLedger((db) => countRows(db, keys)), poll).toBe(sent.length);
    await expect.poll(() => drainedQueue(ledger.admin.sqs, queueUrl), poll).toBe(true);
    expect(await withLedger((db) => usageOf(db, ownerSub))).toEqual({
      uploads: sent.length,
      bytes: 11 * sent.length,
    });
    expect(await queueDepth(ledger.admin.sqs, ledger.resources.queues.ledgerEventsDlq.url)).toEqual({
      visible: 0,
      inFlight: 0,
    });
    expect(worker.logs('not ready: pausing until the ledger answers again').length).toBeGreaterThan(0);
    expect(worker.logs('ready: the ledger answers').length).toBeGreaterThanOrEqual(2);
    expect(worker.child.exitCode).toBeNull();
  });
});
