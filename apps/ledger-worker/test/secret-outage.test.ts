// Secrets Manager failing under the worker: with the secret cached, work goes on (stale, counted,
// warned); with nothing cached, the worker stays up, reports not-ready and takes no messages.
import { setTimeout } from 'node:timers/promises';
import { ledgerNeeds, startLedgerTestPlatform, type LedgerTestPlatform } from '@keyless/db/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { accessDenied, serviceError, startAwsProxy, type AwsProxy } from './support/aws-proxy.ts';
import { countRows, drainedQueue, queueDepth, sendEvents, uploadEvent } from './support/ledger-fixture.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(ledgerNeeds, () => {
  let ledger: LedgerTestPlatform;
  let db: pg.Client;
  let proxy: AwsProxy;
  let worker: WorkerProcess | undefined;
  let queueUrl: string;
  const poll = { timeout: 30_000, interval: 100 };

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
    db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await db.connect();
    queueUrl = ledger.resources.queues.ledgerEvents.url;
  });
  afterEach(async () => {
    await worker?.stop();
    await proxy?.close();
  });
  afterAll(async () => {
    await db?.end();
    await ledger?.stop();
  });

  async function startWorkerBehindProxy(env: Record<string, string> = {}) {
    proxy = await startAwsProxy(ledger.platform.awsEndpoint);
    worker = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      queueUrl: new URL(new URL(queueUrl).pathname, proxy.url).toString(),
      AWS_ENDPOINT_URL_SQS: proxy.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
      ...env,
    });
    return worker;
  }

  test('GetSecretValue failing while the cache is warm: work continues on the cached value, counted stale', async () => {
    const running = await startWorkerBehindProxy({ SECRET_TTL_SECONDS: '1' });
    await running.waitUntilReady();
    const before = uploadEvent();
    await sendEvents(ledger.admin.sqs, queueUrl, [before]);
    await expect.poll(() => countRows(db, [before.idempotencyKey]), poll).toBe(1);

    // Secrets Manager goes away, and the one-second TTL runs out: the next read tries to refresh.
    proxy.fail('DescribeSecret', serviceError);
    proxy.fail('GetSecretValue', serviceError);
    await setTimeout(1_100);
    const during = Array.from({ length: 5 }, () => uploadEvent());
    await sendEvents(ledger.admin.sqs, queueUrl, during);

    await expect
      .poll(
        () =>
          countRows(
            db,
            during.map((e) => e.idempotencyKey),
          ),
        poll,
      )
      .toBe(5);
    await expect
      .poll(() => running.logs('secret refresh failed; serving the cached value').length, poll)
      .toBeGreaterThan(0);
    await expect.poll(() => running.metricTotal('SecretCacheStale'), poll).toBeGreaterThan(0);
    expect(proxy.count('DescribeSecret')).toBeGreaterThan(0);
    expect(await running.readiness()).toEqual({ status: 200, body: { status: 'ready' } });
    await expect.poll(() => drainedQueue(ledger.admin.sqs, queueUrl), poll).toBe(true);
  });

  test('GetSecretValue failing while cold: live but not ready, no messages taken, then recovers by itself', async () => {
    proxy = await startAwsProxy(ledger.platform.awsEndpoint);
    proxy.fail('GetSecretValue', accessDenied);
    worker = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      queueUrl: new URL(new URL(queueUrl).pathname, proxy.url).toString(),
      AWS_ENDPOINT_URL_SQS: proxy.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
    });
    const waiting = Array.from({ length: 3 }, () => uploadEvent());
    await sendEvents(ledger.admin.sqs, queueUrl, waiting);

    // Several attempts, spaced by the backoff, and the process is still there.
    await expect.poll(() => proxy.count('GetSecretValue'), poll).toBeGreaterThanOrEqual(3);
    expect(worker.child.exitCode).toBeNull();
    expect((await fetch(`${worker.healthUrl}/healthz`)).status).toBe(200);
    const readiness = await worker.readiness();
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({
      status: 'not ready',
      reason: expect.stringMatching(/secret ledger\/writer is unavailable \(AccessDeniedException/),
    });
    // Messages wait in the queue rather than being received and failed toward the DLQ.
    expect(proxy.count('ReceiveMessage')).toBe(0);
    expect(await queueDepth(ledger.admin.sqs, queueUrl)).toEqual({ visible: 3, inFlight: 0 });

    proxy.heal('GetSecretValue');
    await worker.waitUntilReady();
    await expect
      .poll(
        () =>
          countRows(
            db,
            waiting.map((e) => e.idempotencyKey),
          ),
        poll,
      )
      .toBe(3);
  });
});
