import type { RejectReason, UploadAddress, UploadsItem } from '@keyless/contracts';
import type { Fingerprint } from './fingerprint-object.ts';

/** Which object an event is about: the fields S3 puts in the record. */
export interface ObjectIdentity {
  eTag: string;
  versionId?: string | undefined;
  /** Already made comparable (see comparableSequencer). */
  sequencer?: string | undefined;
}

export interface ObservedObject extends ObjectIdentity {
  key: string;
  address: UploadAddress;
  /** The object's `owner` and `upload-id` metadata, which the api signed into the upload URL. */
  owner: string | undefined;
  uploadIdMetadata: string | undefined;
  fingerprint: Fingerprint;
}

/** The condition under which a write may happen: the item must still be as it was read. */
export type Guard =
  | { kind: 'absent' }
  | { kind: 'pending' }
  /** S3's sequencer says this event is later than the one recorded. */
  | { kind: 'older-sequencer' }
  /** No sequencers: the recorded object is still the one read, and this one is the key's current object. */
  | { kind: 'same-etag'; eTag: string };

export type Decision =
  | { write: true; status: 'PROCESSED' | 'REJECTED'; reason?: RejectReason; guard: Guard }
  | { write: false; outcome: 'duplicate' | 'superseded' };

/** True when the item already records exactly this object: the event is a redelivery. */
export function recordsObject(item: UploadsItem, object: ObjectIdentity): boolean {
  return (
    item.status !== 'PENDING' &&
    item.objectETag === object.eTag &&
    item.objectVersionId === object.versionId &&
    item.objectSequencer === object.sequencer
  );
}

/**
 * What to record for an object, given the item as read. A PENDING item is completed. A
 * completed one changes only for a later object of the same key (S3 delivers at least once and in
 * no particular order), so a redelivery is a duplicate and an older event is superseded: neither
 * writes anything. An object without an item, or whose owner, key or size is not what the api
 * issued the upload for, is recorded as REJECTED rather than trusted.
 */
export function decideRecord(item: UploadsItem | undefined, object: ObservedObject): Decision {
  if (!item)
    return { write: true, status: 'REJECTED', reason: 'no-upload-record', guard: { kind: 'absent' } };
  const guard = orderingGuard(item, object);
  if ('outcome' in guard) return { write: false, outcome: guard.outcome };
  const reason = rejectReason(item, object);
  return reason
    ? { write: true, status: 'REJECTED', reason, guard }
    : { write: true, status: 'PROCESSED', guard };
}

function orderingGuard(
  item: UploadsItem,
  object: ObservedObject,
): Guard | { outcome: 'duplicate' | 'superseded' } {
  if (item.status === 'PENDING') return { kind: 'pending' };
  if (recordsObject(item, object)) return { outcome: 'duplicate' };
  if (object.sequencer !== undefined) {
    const newer = item.objectSequencer !== undefined && item.objectSequencer < object.sequencer;
    return newer ? { kind: 'older-sequencer' } : { outcome: 'superseded' };
  }
  // Without sequencers (emulators leave them out) nothing orders two events. The object was read
  // with If-Match on the event's ETag, so it was the key's current object a moment ago: it may
  // replace the recorded one, but only while that is still the one recorded.
  if (item.objectSequencer !== undefined || item.objectETag === undefined) return { outcome: 'superseded' };
  return { kind: 'same-etag', eTag: item.objectETag };
}

function rejectReason(item: UploadsItem, object: ObservedObject): RejectReason | undefined {
  const { ownerSub, uploadId } = object.address;
  if (object.owner !== ownerSub) return 'owner-mismatch';
  if (object.uploadIdMetadata !== undefined && object.uploadIdMetadata !== uploadId) return 'owner-mismatch';
  if (item.objectKey !== undefined && item.objectKey !== object.key) return 'key-mismatch';
  if (item.declaredBytes !== undefined && item.declaredBytes !== object.fingerprint.bytes)
    return 'size-mismatch';
  return undefined;
}
