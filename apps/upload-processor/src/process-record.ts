import type { S3Client } from '@aws-sdk/client-s3';
import { parseUploadKey, parseUploadMetadata, type UploadAddress } from '@keyless/contracts';
import type { Span } from '@opentelemetry/api';
import { decodeS3Key } from './decode-s3-key.ts';
import { recordsObject, type ObjectIdentity } from './decide-record.ts';
import { fingerprintObject, type Fingerprint } from './fingerprint-object.ts';
import { openObject } from './open-object.ts';
import { idempotencyKey, type LedgerPublisher } from './publish-ledger-event.ts';
import { recordResult } from './record-result.ts';
import type { S3EventRecord } from './s3-event.ts';
import { comparableSequencer } from './sequencer.ts';
import { linkToUploader } from './tracing.ts';
import type { UploadsTable } from './uploads-table.ts';

export interface RecordDependencies {
  s3: S3Client;
  uploads: UploadsTable;
  publish: LedgerPublisher;
}

export type RecordResult = { key: string } & (
  | { outcome: 'processed'; bytes: number; sha256: string; contentType: string }
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'duplicate' | 'superseded' }
  | { outcome: 'ignored'; reason: string }
);

/**
 * One S3 event record: fingerprint the object, record the result on its upload's item, and
 * announce a processed upload to the ledger. Redeliveries and stale events change nothing.
 * Reads the bucket; never writes to it.
 */
export async function processRecord(
  record: S3EventRecord,
  span: Span,
  { s3, uploads, publish }: RecordDependencies,
): Promise<RecordResult> {
  const key = decodeS3Key(record.s3.object.key);
  span.setAttribute('aws.s3.key', key);
  if (!record.eventName.startsWith('ObjectCreated:'))
    return { key, outcome: 'ignored', reason: record.eventName };
  if (key.endsWith('/') && record.s3.object.size === 0)
    return { key, outcome: 'ignored', reason: 'folder placeholder' };
  const address = parseUploadKey(key);
  if (!address)
    return { key, outcome: 'rejected', reason: 'not an upload key (incoming/<owner>/<upload id>)' };

  const bucket = record.s3.bucket.name;
  const { eTag, versionId, sequencer } = record.s3.object;
  const identity: ObjectIdentity = {
    eTag,
    versionId: versionId ?? undefined,
    sequencer: sequencer === undefined ? undefined : comparableSequencer(sequencer),
  };
  const announce = (fingerprint: Fingerprint) =>
    publish({
      type: 'upload.processed',
      version: 1,
      idempotencyKey: idempotencyKey({ bucket, key, ...identity }),
      ownerSub: address.ownerSub,
      uploadId: address.uploadId,
      key,
      ...fingerprint,
      occurredAt: record.eventTime,
    });

  const item = await uploads.get(address);
  if (item && recordsObject(item, identity)) {
    // Already recorded. Send again what was recorded: the first attempt may have stopped between
    // recording and sending, and the ledger keeps one row per idempotency key anyway.
    if (item.status === 'PROCESSED') await announce(recordedFingerprint(item, address));
    return { key, outcome: 'duplicate' };
  }

  const opened = await openObject(s3, { bucket, key, ...identity });
  if (opened.superseded) return { key, outcome: 'superseded' };
  linkToUploader(span, opened.metadata);
  const fingerprint = await fingerprintObject(opened.body);
  const { owner, uploadId: uploadIdMetadata } = parseUploadMetadata(opened.metadata);
  const result = await recordResult(
    uploads,
    { key, address, ...identity, owner, uploadIdMetadata, fingerprint },
    item,
  );
  if (result.outcome === 'processed') {
    await announce(fingerprint);
    return { key, outcome: 'processed', ...fingerprint };
  }
  return { key, ...result };
}

function recordedFingerprint(
  item: { bytes?: number | undefined; sha256?: string | undefined; detectedContentType?: string | undefined },
  address: UploadAddress,
): Fingerprint {
  const { bytes, sha256, detectedContentType } = item;
  if (bytes === undefined || sha256 === undefined || detectedContentType === undefined) {
    throw new Error(`upload ${address.uploadId} is PROCESSED but has no fingerprint`);
  }
  return { bytes, sha256, contentType: detectedContentType };
}
