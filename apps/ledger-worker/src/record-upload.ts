import type { UploadProcessedV1 } from '@keyless/contracts';
import type { Database } from '@keyless/db';

export type RecordOutcome = 'recorded' | 'duplicate';

/**
 * One statement, so one implicit transaction and one round trip: the ledger row is inserted unless
 * its idempotency key is already there, and only a row that was inserted reaches the totals. When
 * the key exists (a redelivery, or the producer sending twice), nothing at all changes, so totals
 * count each upload once however often its message arrives.
 */
const recordEvent = `
  WITH inserted AS (
    INSERT INTO upload_events
      (idempotency_key, owner_sub, upload_id, object_key, bytes, sha256, content_type, occurred_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING owner_sub, bytes
  )
  INSERT INTO user_usage (owner_sub, uploads_count, bytes_total, updated_at)
  SELECT owner_sub, 1, bytes, now() FROM inserted
  ON CONFLICT (owner_sub) DO UPDATE SET
    uploads_count = user_usage.uploads_count + 1,
    bytes_total = user_usage.bytes_total + EXCLUDED.bytes_total,
    updated_at = now()`;

/** Adds the event to the ledger and to its owner's totals, atomically; `duplicate` if already there. */
export async function recordUploadProcessed(db: Database, event: UploadProcessedV1): Promise<RecordOutcome> {
  const { rowCount } = await db.query(recordEvent, [
    event.idempotencyKey,
    event.ownerSub,
    event.uploadId,
    event.key,
    event.bytes,
    event.sha256,
    event.contentType,
    event.occurredAt,
  ]);
  return rowCount === 1 ? 'recorded' : 'duplicate';
}
