// SIGTERM in the middle of a batch: no more receives, the unstarted messages visible again at once,
// in-flight ones finished (or, past the stop timeout, released too), exit 0. A second worker then
// takes the rest long before the 120-second visibility timeout could have let it.
import { randomUUID } from 'node:crypto';
import type { UploadProcessedV1 } from '@keyless/contracts';
import { ledgerNeeds, startLedgerTestPlatform, type LedgerTestPlatform } from '@keyless/db/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
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
  let ledger: LedgerTestPlatform;
  let db: pg.Client;
  let lock: pg.Client;
  let queueUrl: string;
  const workers: WorkerProcess[] = [];
  const poll = { timeout: 30_000, interval: 100 };

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
    db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await db.connect();
    queueUrl = ledger.resources.queues.ledgerEvents.url;
  });
  afterEach(async () => {
    // SIGTERM, not SIGKILL: a killed worker's long poll goes on in the emulator and would take
    // messages the next test sends, hiding them for the visibility timeout.
    await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGTERM')));
    await lock?.end();
  });
  afterAll(async () => {
    await db?.end();
    await ledger?.stop();
  });

  async function worker(env: Record<string, string> = {}) {
    const started = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      queueUrl,
      CONCURRENCY: '5',
      VISIBILITY_TIMEOUT_SECONDS: '120',
      ...env,
    });
    workers.push(started);
    return started;
  }

  const keysOf = (events: UploadProcessedV1[]) => events.map((event) => event.idempotencyKey);

  /** Blocks the worker's transactions (they wait on the totals table) until `release`. */
  async function holdTotalsTable() {
    lock = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE user_usage IN EXCLUSIVE MODE');
    return () => lock.query('COMMIT');
  }

  test('in-flight messages finish, unstarted ones go back at once, exit 0, a second worker takes the rest', async () => {
    const events = Array.from({ length: 20 }, () => uploadEvent());
    await sendEvents(ledger.admin.sqs, queueUrl, events);
    const release = await holdTotalsTable();

    // Five being handled (blocked on the lock) and five received ahead.
    const first = await worker();
    await expect
      .poll(() => queueDepth(ledger.admin.sqs, queueUrl), poll)
      .toEqual({ visible: 10, inFlight: 10 });

    first.child.kill('SIGTERM');
    // The five received ahead are visible again while the five in flight are still running.
    await expect
      .poll(() => queueDepth(ledger.admin.sqs, queueUrl), poll)
      .toEqual({ visible: 15, inFlight: 5 });
    await release();
    expect(await first.exited).toBe(0);
    expect(first.logs('drained')[0]).toMatchObject({ finished: 5, released: 5, abandoned: 0 });

    const second = await worker();
    await expect.poll(() => countRows(db, keysOf(events)), poll).toBe(20);
    await expect.poll(() => drainedQueue(ledger.admin.sqs, queueUrl), poll).toBe(true);
    const recordedBy = (w: WorkerProcess) => w.logs('message recorded').map((line) => line.idempotencyKey);
    expect(recordedBy(first)).toHaveLength(5);
    expect(new Set([...recordedBy(first), ...recordedBy(second)]).size).toBe(20);
    expect(second.logs('message recorded').every((line) => line.outcome === 'recorded')).toBe(true);
  });

  test('past the stop timeout, unfinished messages are released too and the worker still exits 0', async () => {
    const ownerSub = randomUUID();
    const events = Array.from({ length: 10 }, () => uploadEvent({ ownerSub, bytes: 100 }));
    await sendEvents(ledger.admin.sqs, queueUrl, events);
    const release = await holdTotalsTable();

    // Two seconds for the messages in flight; two more are kept for the last metrics and spans.
    const first = await worker({ STOP_TIMEOUT_SECONDS: '4' });
    await expect
      .poll(() => queueDepth(ledger.admin.sqs, queueUrl), poll)
      .toEqual({ visible: 0, inFlight: 10 });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.logs('drained')[0]).toMatchObject({ finished: 0, released: 5, abandoned: 5 });
    expect(await queueDepth(ledger.admin.sqs, queueUrl)).toEqual({ visible: 10, inFlight: 0 });
    await release();

    const second = await worker();
    await expect.poll(() => countRows(db, keysOf(events)), poll).toBe(10);
    await expect.poll(() => drainedQueue(ledger.admin.sqs, queueUrl), poll).toBe(true);
    // The abandoned statements were waiting on the lock when the first worker exited; the server may
    // still complete them, and the second worker then finds those messages already recorded.
    expect(second.logs('message recorded')).toHaveLength(10);
    expect(await usageOf(db, ownerSub)).toEqual({ uploads: 10, bytes: 1_000 });
  });

  test('SIGTERM while idle exits 0, and while not ready too', async () => {
    const idle = await worker();
    await idle.waitUntilReady();
    idle.child.kill('SIGTERM');
    expect(await idle.exited).toBe(0);
    expect(idle.logs('drained')[0]).toMatchObject({ finished: 0, released: 0, abandoned: 0 });

    const notReady = await worker({ WRITER_SECRET_ID: 'ledger/does-not-exist' });
    await expect.poll(() => notReady.readiness().then((r) => r.status), poll).toBe(503);
    notReady.child.kill('SIGTERM');
    expect(await notReady.exited).toBe(0);
  });
});
