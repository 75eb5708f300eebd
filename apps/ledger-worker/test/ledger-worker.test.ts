// The worker as a child process against the emulator's `ledger-events` queue and a real, migrated
// PostgreSQL. Its SQS and Secrets Manager traffic goes through a counting proxy that can also fail
// chosen calls.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ledgerNeeds, startLedgerTestPlatform, type LedgerTestPlatform } from '@keyless/db/testing';
import type { SpanLine } from '@keyless/telemetry';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serviceError, startAwsProxy, type AwsProxy } from './support/aws-proxy.ts';
import {
  countRows,
  drainedQueue,
  ledgerRows,
  peekBodies,
  sendBodies,
  sendEvents,
  uploadEvent,
  usageOf,
} from './support/ledger-fixture.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

// A poison message must reach the dead-letter queue, so this suite needs SQS's redrive too.
emulatorSuite([...ledgerNeeds, 'sqs-redrive'], () => {
  let ledger: LedgerTestPlatform;
  let db: pg.Client;
  let proxy: AwsProxy;
  let worker: WorkerProcess;
  let queueUrl: string;
  let tracesFile: string;
  const poll = { timeout: 30_000, interval: 100 };

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
    db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await db.connect();
    proxy = await startAwsProxy(ledger.platform.awsEndpoint);
    queueUrl = ledger.resources.queues.ledgerEvents.url;
    tracesFile = join(mkdtempSync(join(tmpdir(), 'ledger-worker-traces-')), 'traces.jsonl');
    worker = await startWorkerProcess({
      region: ledger.platform.region,
      awsEndpoint: ledger.platform.awsEndpoint,
      writerSecretId: ledger.resources.names.writerSecret,
      // The worker reaches SQS and Secrets Manager through the proxy; the queue URL names it too.
      queueUrl: new URL(new URL(queueUrl).pathname, proxy.url).toString(),
      AWS_ENDPOINT_URL_SQS: proxy.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
      VISIBILITY_TIMEOUT_SECONDS: '4',
      KEYLESS_TRACES_FILE: tracesFile,
    });
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.stop();
    await proxy?.close();
    await db?.end();
    await ledger?.stop();
  });

  const sqs = () => ledger.admin.sqs;
  const recorded = (key: string) =>
    worker.logs('message recorded').filter((line) => line.idempotencyKey === key);

  describe('recording', () => {
    test('each upload becomes one ledger row and adds to its owner totals; the messages are deleted', async () => {
      const ownerSub = 'owner-totals';
      const events = [100, 200, 300].map((bytes) => uploadEvent({ ownerSub, bytes }));
      await sendEvents(sqs(), queueUrl, events);

      const keys = events.map((event) => event.idempotencyKey);
      await expect.poll(() => countRows(db, keys), poll).toBe(3);
      await expect.poll(() => drainedQueue(sqs(), queueUrl), poll).toBe(true);
      expect(await usageOf(db, ownerSub)).toEqual({ uploads: 3, bytes: 600 });
      const [first] = await ledgerRows(db, [events[0]?.idempotencyKey ?? '']);
      expect(first).toMatchObject({
        owner_sub: ownerSub,
        upload_id: events[0]?.uploadId,
        object_key: events[0]?.key,
        bytes: '100',
        sha256: events[0]?.sha256,
        content_type: 'application/pdf',
      });
      expect(first?.occurred_at.toISOString()).toBe(events[0]?.occurredAt);
    });

    test('every string field holds SQL injection attempts verbatim', async () => {
      const attempts = {
        idempotencyKey: "k'); DROP TABLE upload_events; --",
        ownerSub: "o' OR '1'='1",
        uploadId: 'u"; DELETE FROM user_usage; --',
        key: "incoming/$1'::text); TRUNCATE user_usage; --",
        contentType: "text/plain\\'; SELECT pg_sleep(30); --",
      };
      const event = uploadEvent({ ...attempts, bytes: 7 });
      await sendEvents(sqs(), queueUrl, [event]);

      await expect.poll(() => countRows(db, [attempts.idempotencyKey]), poll).toBe(1);
      const [row] = await ledgerRows(db, [attempts.idempotencyKey]);
      expect(row).toMatchObject({
        idempotency_key: attempts.idempotencyKey,
        owner_sub: attempts.ownerSub,
        upload_id: attempts.uploadId,
        object_key: attempts.key,
        content_type: attempts.contentType,
      });
      expect(await usageOf(db, attempts.ownerSub)).toEqual({ uploads: 1, bytes: 7 });
      // Nothing was dropped, deleted or truncated along the way.
      expect(await usageOf(db, 'owner-totals')).toEqual({ uploads: 3, bytes: 600 });
    });

    test('a message published twice is recorded once', async () => {
      const event = uploadEvent({ bytes: 50 });
      await sendEvents(sqs(), queueUrl, [event, event]);
      await expect.poll(() => recorded(event.idempotencyKey).length, poll).toBe(2);
      expect(
        recorded(event.idempotencyKey)
          .map((line) => line.outcome)
          .sort(),
      ).toEqual(['duplicate', 'recorded']);
      expect(await countRows(db, [event.idempotencyKey])).toBe(1);
      expect(await usageOf(db, event.ownerSub)).toEqual({ uploads: 1, bytes: 50 });
      // Both copies deleted before the next test fails deletes on purpose.
      await expect.poll(() => drainedQueue(sqs(), queueUrl), poll).toBe(true);
    });

    test('a message redelivered after its visibility timeout (delete lost after commit) changes nothing', async () => {
      proxy.fail('DeleteMessageBatch', serviceError);
      const event = uploadEvent({ bytes: 70 });
      await sendEvents(sqs(), queueUrl, [event]);
      await expect.poll(() => recorded(event.idempotencyKey).length, poll).toBe(1);
      // This message's own failed delete (not another's still in flight), before the heal.
      const messageId = recorded(event.idempotencyKey)[0]?.messageId;
      await expect
        .poll(
          () =>
            worker
              .logs('deleting a committed message failed; its redelivery will be recorded as a duplicate')
              .filter((line) => line.messageId === messageId).length,
          poll,
        )
        .toBeGreaterThan(0);
      proxy.heal('DeleteMessageBatch');

      // The undeleted message comes back once its visibility timeout ends, and is a duplicate. The
      // wait is generous (a loaded CI machine once took longer than 30 s) and a failure shows what
      // the worker said meanwhile.
      const linesBefore = worker.logs().length;
      await expect
        .poll(() => recorded(event.idempotencyKey).length, { ...poll, timeout: 60_000 })
        .toBe(2)
        .catch((error: unknown) => {
          const said = worker.logs().slice(linesBefore, linesBefore + 40);
          throw new Error(
            `${String(error)}\nthe worker's log since the heal:\n${said.map((line) => JSON.stringify(line)).join('\n')}`,
          );
        });
      const [first, second] = recorded(event.idempotencyKey);
      expect([first?.outcome, first?.receiveCount]).toEqual(['recorded', 1]);
      expect([second?.outcome, second?.receiveCount]).toEqual(['duplicate', 2]);
      await expect.poll(() => drainedQueue(sqs(), queueUrl), poll).toBe(true);
      expect(await countRows(db, [event.idempotencyKey])).toBe(1);
      expect(await usageOf(db, event.ownerSub)).toEqual({ uploads: 1, bytes: 70 });
    });
  });

  describe('bad messages', () => {
    test('a poison message reaches the DLQ after maxReceiveCount; the rest of its batch commits', async () => {
      const good = Array.from({ length: 9 }, () => uploadEvent());
      const poison = JSON.stringify({ ...uploadEvent(), bytes: 'a lot' });
      await sendBodies(sqs(), queueUrl, [...good.slice(0, 4), poison, ...good.slice(4)].map(bodyOf));

      await expect
        .poll(
          () =>
            countRows(
              db,
              good.map((e) => e.idempotencyKey),
            ),
          poll,
        )
        .toBe(9);
      const dlqUrl = ledger.resources.queues.ledgerEventsDlq.url;
      await expect.poll(() => peekBodies(sqs(), dlqUrl), { ...poll, timeout: 60_000 }).toEqual([poison]);

      const rejections = worker.logs('message rejected; left to the redrive policy');
      expect(rejections.map((line) => line.receiveCount)).toEqual([1, 2, 3, 4, 5]);
      expect(rejections[0]?.reason).toContain('bytes: Invalid input: expected number, received string');
      expect(worker.child.exitCode).toBeNull();
      expect((await worker.readiness()).status).toBe(200);
    });

    test('bodies that are not JSON, or of an unknown type or version, are rejected with their reason', async () => {
      const unknownVersion = JSON.stringify({ ...uploadEvent(), version: 2 });
      await sendBodies(sqs(), queueUrl, [
        'not json',
        unknownVersion,
        JSON.stringify({ type: 'upload.deleted' }),
      ]);
      await expect
        .poll(
          () => worker.logs('message rejected; left to the redrive policy').map((line) => line.reason),
          poll,
        )
        .toEqual(
          expect.arrayContaining([
            'body is not JSON',
            'version: Invalid input: expected 1',
            "type: Invalid discriminator value. Expected 'upload.processed'",
          ]),
        );
    });
    test('a message the database refuses on its data is retried, then redriven, without pausing the worker', async () => {
      // Valid for the contract, out of range for PostgreSQL (there is no year 0).
      const event = uploadEvent({ occurredAt: '0000-01-01T00:00:00Z' });
      await sendEvents(sqs(), queueUrl, [event]);
      const dlqUrl = ledger.resources.queues.ledgerEventsDlq.url;
      await expect
        .poll(() => peekBodies(sqs(), dlqUrl), { ...poll, timeout: 60_000 })
        .toContain(JSON.stringify(event));
      const failures = worker.logs('message failed on its data; it will be retried, then redriven');
      expect(failures.map((line) => line.receiveCount)).toEqual([1, 2, 3, 4, 5]);
      expect(failures[0]?.err).toMatchObject({ code: '22008' });
      expect(worker.logs('not ready: pausing until the ledger answers again')).toHaveLength(0);
    });
  });

  describe('slow messages', () => {
    test('visibility is extended while a message is held up, so it is not delivered twice', async () => {
      const lock = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
      await lock.connect();
      try {
        // Hold the totals table so the worker's transaction waits, for longer than the visibility timeout.
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE user_usage IN EXCLUSIVE MODE');
        const event = uploadEvent();
        const { MessageId } = await sqs().send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }),
        );
        const extended = () =>
          worker.logs('message visibility extended').filter((line) => line.messageId === MessageId).length;
        // Visibility 4 s, extended every 2 s: after three extensions it has been held for over 6 s.
        await expect.poll(extended, poll).toBeGreaterThanOrEqual(3);
        await lock.query('COMMIT');

        await expect.poll(() => recorded(event.idempotencyKey).length, poll).toBe(1);
        expect(recorded(event.idempotencyKey)[0]).toMatchObject({ outcome: 'recorded', receiveCount: 1 });
        await expect.poll(() => drainedQueue(sqs(), queueUrl), poll).toBe(true);
      } finally {
        await lock.end();
      }
    });
  });

  describe('observability', () => {
    test('the processing span continues the trace carried in the message attributes', async () => {
      const traceId = 'aa'.repeat(16);
      const parentSpanId = 'bb'.repeat(8);
      const event = uploadEvent();
      await sqs().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: {
            traceparent: { DataType: 'String', StringValue: `00-${traceId}-${parentSpanId}-01` },
          },
        }),
      );
      await expect.poll(() => recorded(event.idempotencyKey).length, poll).toBe(1);

      const spansOf = () =>
        readFileSync(tracesFile, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as SpanLine)
          .filter((span) => span.traceId === traceId);
      await expect
        .poll(() => spansOf().some((span) => span.name === 'ledger-events process'), poll)
        .toBe(true);
      const processSpan = spansOf().find((span) => span.name === 'ledger-events process');
      expect(processSpan).toMatchObject({ kind: 'CONSUMER', parentSpanId });
      // The database statements of that message are children in the same trace.
      await expect
        .poll(() => spansOf().filter((span) => span.parentSpanId === processSpan?.spanId).length, poll)
        .toBeGreaterThan(0);
      // Log lines written while handling it carry the same trace id.
      expect(recorded(event.idempotencyKey)[0]?.trace_id).toBe(traceId);
    });

    test('EMF metrics count messages, batches, lag and secret cache use', async () => {
      const outcomes = () => worker.logs('message recorded').map((line) => line.outcome);
      await expect.poll(() => worker.metricTotal('MessagesProcessed'), poll).toBe(outcomes().length);
      expect(worker.metricTotal('MessagesDuplicate')).toBe(
        outcomes().filter((o) => o === 'duplicate').length,
      );
      await expect
        .poll(() => worker.metricTotal('MessagesRejected'), poll)
        .toBe(worker.logs('message rejected; left to the redrive policy').length);
      expect(worker.metricTotal('BatchSize')).toBeGreaterThan(0);
      expect(
        worker.emf().some((doc) => typeof doc.MessageLag === 'number' || Array.isArray(doc.MessageLag)),
      ).toBe(true);
      await expect.poll(() => worker.metricTotal('SecretCacheHits'), poll).toBeGreaterThan(0);
      expect(worker.metricTotal('SecretCacheMisses')).toBe(1);
      const [definition] = worker.emf()[0]?._aws.CloudWatchMetrics ?? [];
      expect(definition?.Namespace).toBe('keyless');
    });

    test('the writer secret was read from Secrets Manager exactly once for all of the above', () => {
      expect(proxy.count('GetSecretValue')).toBe(1);
    });

    test('health endpoints: /healthz live, /readyz ready, anything else 404', async () => {
      expect((await fetch(`${worker.healthUrl}/healthz`)).status).toBe(200);
      expect(await worker.readiness()).toEqual({ status: 200, body: { status: 'ready' } });
      expect((await fetch(`${worker.healthUrl}/metrics`)).status).toBe(404);
    });
  });

  function bodyOf(item: string | object): string {
    return typeof item === 'string' ? item : JSON.stringify(item);
  }
});
