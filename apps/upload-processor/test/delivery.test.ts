import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { uploadMetadata } from '@keyless/contracts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  eventKeys,
  eventually,
  startProcessorFixture,
  summary,
  type ProcessorFixture,
} from './support/processor-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '@keyless/local-system';

emulatorSuite(systemNeeds, () => {
  let fixture: ProcessorFixture;
  beforeAll(async () => {
    fixture = await startProcessorFixture();
  });
  afterAll(() => fixture?.stop());

  const owner = 'b2c3d4e5-0000-4000-8000-00000000beef';

  async function processedUpload(name: string, body: string, metadata: Record<string, string> = {}) {
    const upload = await fixture.createUpload(owner, name, Buffer.byteLength(body));
    const eTag = await fixture.putObject(upload.key, body, { ...uploadMetadata(upload), ...metadata });
    const [report] = await fixture.invocationsFor(upload.key);
    return { ...upload, eTag, event: report.event, report };
  }

  /** Keys put once and never replayed, by what they are: each must have had one invocation. */
  const putOnce = new Map<string, string>();

  const recordsOf = (requestId: string) => fixture.reports.filter((r) => r.requestId === requestId);

  describe('at-least-once delivery', () => {
    test('the same event delivered twice: one record, the same idempotency key, no error, no failure', async () => {
      const upload = await processedUpload('twice.txt', 'twice\n');
      const recorded = await fixture.item(owner, upload.uploadId);
      expect(recorded).toMatchObject({ status: 'PROCESSED' });

      await fixture.redeliver(upload.event);
      const [, again] = await fixture.invocationsFor(upload.key, 2);
      expect(again).toMatchObject({ status: 'success', attempt: 1 });
      expect(summary(again).records).toEqual([{ key: upload.key, outcome: 'duplicate' }]);
      expect(await fixture.item(owner, upload.uploadId)).toEqual(recorded);
      const messages = (await fixture.ledgerMessages()).filter((m) => m.body.uploadId === upload.uploadId);
      // Sent again on purpose (the first attempt may have died before sending), under the same key:
      // the ledger records it once.
      expect(new Set(messages.map((m) => m.body.idempotencyKey)).size).toBe(1);
      expect(messages.map((m) => m.body.sha256)).toEqual(Array(messages.length).fill(recorded?.sha256));
      expect(await fixture.failureRecords()).toEqual([]);
    });

    test('an event replayed out of order does not regress the item', async () => {
      const first = await processedUpload('version.txt', 'version 1\n');
      // The same upload URL used again with other bytes of the same size: a newer object, a newer event.
      const secondETag = await fixture.putObject(first.key, 'version 2\n', {
        owner,
        'upload-id': first.uploadId,
      });
      const updated = await eventually(async () => {
        const item = await fixture.item(owner, first.uploadId);
        return item?.objectETag === secondETag && item;
      }, 'the second version to be recorded');
      const invocations = fixture.reportsFor(first.key).length;

      await fixture.redeliver(first.event);
      const replay = await eventually(
        () => fixture.reportsFor(first.key).length > invocations && fixture.reportsFor(first.key).at(-1),
        'the replayed event',
      );
      expect(replay).toMatchObject({ status: 'success' });
      expect(summary(replay).records).toEqual([{ key: first.key, outcome: 'superseded' }]);
      expect(await fixture.item(owner, first.uploadId)).toEqual(updated);
    });
  });

  describe('objects that are not what the api issued', () => {
    test('a key without an owner and upload id is rejected: logged, counted, nothing written or sent', async () => {
      const key = 'incoming/loose.txt';
      await fixture.putObject(key, 'loose\n', {});
      const [report] = await fixture.invocationsFor(key);
      expect(report).toMatchObject({ status: 'success' });
      expect(summary(report).records).toEqual([
        { key, outcome: 'rejected', reason: 'not an upload key (incoming/<owner>/<upload id>)' },
      ]);
      expect(
        fixture.output.some((line) => line.includes('"event":"upload.rejected"') && line.includes(key)),
      ).toBe(true);
      expect((await fixture.ledgerMessages()).filter((m) => m.body.key === key)).toEqual([]);
    });

    test('an object whose item is missing is recorded as REJECTED, and nothing reaches the ledger', async () => {
      const key = `incoming/${owner}/never-issued`;
      await fixture.putObject(key, 'stray\n', { owner, 'upload-id': 'never-issued' });
      putOnce.set('stray', key);
      const item = await eventually(() => fixture.item(owner, 'never-issued'), 'the rejected item');
      expect(item).toMatchObject({ status: 'REJECTED', statusReason: 'no-upload-record', objectKey: key });
      expect((await fixture.ledgerMessages()).filter((m) => m.body.key === key)).toEqual([]);
    });

    test('an object whose owner metadata is someone else is recorded as REJECTED, not trusted', async () => {
      const body = 'not mine\n';
      const upload = await fixture.createUpload(owner, 'claimed.txt', body.length);
      putOnce.set('claimed', upload.key);
      await fixture.putObject(upload.key, body, { owner: 'someone-else', 'upload-id': upload.uploadId });
      const item = await eventually(async () => {
        const current = await fixture.item(owner, upload.uploadId);
        return current?.status !== 'PENDING' && current;
      }, 'the rejected item');
      expect(item).toMatchObject({ status: 'REJECTED', statusReason: 'owner-mismatch' });
      expect((await fixture.ledgerMessages()).filter((m) => m.body.uploadId === upload.uploadId)).toEqual([]);
    });
  });

  describe('a poison event', () => {
    test('goes to the failure destination after two retries, with the reason; other uploads are unaffected', async () => {
      // An object deleted before it was processed: its real event, replayed once the object is gone
      // and the item is back to PENDING, is exactly what the function would see.
      const doomed = await processedUpload('doomed.txt', 'doomed\n');
      await fixture.admin.s3.send(new DeleteObjectCommand({ Bucket: fixture.bucket, Key: doomed.key }));
      await DynamoDBDocumentClient.from(fixture.admin.dynamodb).send(
        new UpdateCommand({
          TableName: 'uploads',
          Key: { ownerSub: owner, uploadId: doomed.uploadId },
          UpdateExpression: 'SET #status = :pending REMOVE objectETag',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      );
      await fixture.redeliver(doomed.event);
      // Meanwhile, an ordinary upload.
      const bystander = await processedUpload('bystander.txt', 'fine\n');
      putOnce.set('bystander', bystander.key);

      const failure = await eventually(
        async () => (await fixture.failureRecords())[0],
        'the failure destination',
      );
      const attempts = recordsOf(failure.requestContext.requestId);
      expect(attempts.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'error'],
        [2, 'error'],
        [3, 'error'],
      ]);
      expect(failure).toMatchObject({
        version: '1.0',
        requestContext: {
          functionArn: expect.stringMatching(/:function:upload-processor:\$LATEST$/),
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: doomed.event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: {
          errorType: 'Error',
          errorMessage: expect.stringContaining(
            `${doomed.key} no longer exists (NoSuchKey): deleted before it was processed`,
          ),
        },
      });
      expect(bystander.report).toMatchObject({ status: 'success', attempt: 1 });
      expect(await fixture.item(owner, bystander.uploadId)).toMatchObject({ status: 'PROCESSED' });
      expect(await fixture.item(owner, doomed.uploadId)).toMatchObject({ status: 'PENDING' });
    });
  });

  describe('invocations', () => {
    test('every upload triggered exactly one invocation (replays aside, each event one request id)', () => {
      const firstAttempts = fixture.reports.filter((r) => r.attempt === 1);
      const byRequest = new Map<string, number>();
      for (const report of firstAttempts)
        byRequest.set(report.requestId, (byRequest.get(report.requestId) ?? 0) + 1);
      expect([...byRequest.values()].every((count) => count === 1)).toBe(true);
      // Uploads put once and never replayed: one invocation each.
      expect([...putOnce.keys()]).toEqual(['stray', 'claimed', 'bystander']);
      for (const [name, key] of putOnce) {
        const matching = firstAttempts.filter((r) => eventKeys(r.event).includes(key));
        expect(matching, name).toHaveLength(1);
      }
    });
  });
});
