import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { issuedUpload, uploadKey } from '@keyless/contracts';
import { adminClients } from '@keyless/emulator-admin';
import { ensureUploadsTable } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ObservedObject } from './decide-record.ts';
import { recordResult } from './record-result.ts';
import { comparableSequencer } from './sequencer.ts';
import { createUploadsTable, type UploadsTable } from './uploads-table.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(['dynamodb'], () => {
  // The conditional writes against a real DynamoDB API (the emulator): what the pure decision says
  // must also hold when two deliveries race for the same item.
  let platform: TestPlatform;
  let documents: DynamoDBDocumentClient;
  let uploads: UploadsTable;
  let table: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    table = platform.uniqueName('uploads');
    const { dynamodb } = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
    // The table exactly as the bootstrap creates it, so the conditions run against the real key schema.
    await ensureUploadsTable(dynamodb, table);
    documents = DynamoDBDocumentClient.from(dynamodb);
    uploads = createUploadsTable(documents, table);
  });
  afterAll(() => platform?.stop());

  // A digest that differs with each object (named by its ETag here).
  const sha256Of = (eTag: string) => createHash('sha256').update(eTag).digest('hex');

  let counter = 0;
  async function pendingUpload() {
    counter += 1;
    const address = { ownerSub: 'sub-1', uploadId: `up-${counter}` };
    const key = uploadKey(address);
    // The item exactly as the api creates it.
    const issued = issuedUpload({
      ...address,
      filename: 'a.txt',
      contentType: 'text/plain',
      declaredBytes: 3,
      createdAt: new Date(),
    });
    await documents.send(new PutCommand({ TableName: table, Item: issued }));
    const observed = (eTag: string, sequencer?: string, bytes = 3): ObservedObject => ({
      key,
      address,
      eTag,
      sequencer: sequencer && comparableSequencer(sequencer),
      owner: 'sub-1',
      uploadIdMetadata: address.uploadId,
      fingerprint: { bytes, sha256: sha256Of(eTag), contentType: 'text/plain' },
    });
    const item = async () =>
      (
        await documents.send(
          new GetCommand({ TableName: table, Key: { ownerSub: 'sub-1', uploadId: address.uploadId } }),
        )
      ).Item;
    return { address, observed, item };
  }

  describe('recordResult', () => {
    test('completes a PENDING item with the fingerprint and the object it came from', async () => {
      const upload = await pendingUpload();
      const first = await uploads.get(upload.address);
      expect(await recordResult(uploads, upload.observed('aaa', '0A1'), first)).toEqual({
        outcome: 'processed',
      });
      expect(await upload.item()).toMatchObject({
        status: 'PROCESSED',
        bytes: 3,
        sha256: sha256Of('aaa'),
        detectedContentType: 'text/plain',
        objectETag: 'aaa',
        objectSequencer: comparableSequencer('0A1'),
        objectKey: `incoming/sub-1/${upload.address.uploadId}`,
      });
    });

    test('an older event arriving later does not regress the item', async () => {
      const upload = await pendingUpload();
      await recordResult(uploads, upload.observed('new', '0B'), await uploads.get(upload.address));
      const before = await upload.item();
      expect(
        await recordResult(uploads, upload.observed('old', '0A'), await uploads.get(upload.address)),
      ).toEqual({
        outcome: 'superseded',
      });
      expect(await upload.item()).toEqual(before);
    });

    test('a later event replaces the record', async () => {
      const upload = await pendingUpload();
      await recordResult(uploads, upload.observed('old', '0A'), await uploads.get(upload.address));
      expect(
        await recordResult(uploads, upload.observed('new', '0B'), await uploads.get(upload.address)),
      ).toEqual({
        outcome: 'processed',
      });
      expect(await upload.item()).toMatchObject({
        objectETag: 'new',
        objectSequencer: comparableSequencer('0B'),
      });
    });

    test('a lost race is decided again on the fresh item: the later event wins in either order', async () => {
      for (const order of [
        ['0A', '0B'],
        ['0B', '0A'],
      ] as const) {
        const upload = await pendingUpload();
        // Both deliveries read the item while it was PENDING; the second one's write then fails its condition.
        const staleRead = await uploads.get(upload.address);
        await recordResult(uploads, upload.observed(`etag-${order[0]}`, order[0]), staleRead);
        const second = await recordResult(uploads, upload.observed(`etag-${order[1]}`, order[1]), staleRead);
        expect(second).toEqual(order[1] === '0B' ? { outcome: 'processed' } : { outcome: 'superseded' });
        expect(await upload.item()).toMatchObject({ objectETag: 'etag-0B' });
      }
    });

    test('an object without an upload item is recorded as REJECTED on a new item naming the object', async () => {
      const upload = await pendingUpload();
      const orphan = { ...upload.observed('zzz'), address: { ...upload.address, uploadId: 'never-issued' } };
      expect(await recordResult(uploads, orphan, undefined)).toEqual({
        outcome: 'rejected',
        reason: 'no-upload-record',
      });
      expect(await uploads.get(orphan.address)).toMatchObject({
        status: 'REJECTED',
        objectKey: orphan.key,
        objectETag: 'zzz',
      });
    });
  });
});
