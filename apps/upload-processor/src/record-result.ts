import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { RejectReason, UploadsItem } from '@keyless/contracts';
import { decideRecord, type ObservedObject } from './decide-record.ts';
import type { UploadsTable } from './uploads-table.ts';

export type RecordOutcome =
  | { outcome: 'processed' }
  | { outcome: 'rejected'; reason: RejectReason }
  | { outcome: 'duplicate' | 'superseded' };

// Each retry means another delivery for the same key changed the item in between; three in a
// row is not a race but a loop, and the invocation's own retry is the better place to try again.
const MAX_ATTEMPTS = 3;

/**
 * Records an object's fingerprint on its upload's item with a conditional write: decide from the
 * item as read, write only if it is still so, and on a lost race read and decide again.
 */
export async function recordResult(
  uploads: UploadsTable,
  object: ObservedObject,
  itemAsRead: UploadsItem | undefined,
  now: () => Date = () => new Date(),
): Promise<RecordOutcome> {
  let item = itemAsRead;
  for (let attempt = 1; ; attempt += 1) {
    const decision = decideRecord(item, object);
    if (!decision.write) return { outcome: decision.outcome };
    try {
      await uploads.write({ ...decision, object, processedAt: now() });
      return decision.reason ? { outcome: 'rejected', reason: decision.reason } : { outcome: 'processed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt === MAX_ATTEMPTS) throw error;
      item = await uploads.get(object.address);
    }
  }
}
