import * as z from 'zod/mini';
import { uploadKey, type UploadAddress } from './object-keys.ts';
import { oneLineReason } from './one-line-reason.ts';
import { text } from './text.ts';

export const uploadStatus = z.enum(['PENDING', 'PROCESSED', 'REJECTED']);
export type UploadStatus = z.output<typeof uploadStatus>;

/** Why the upload-processor recorded an object as REJECTED rather than trusting it. */
export const rejectReason = z.enum(['no-upload-record', 'owner-mismatch', 'key-mismatch', 'size-mismatch']);
export type RejectReason = z.output<typeof rejectReason>;

const count = () => z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const instant = () => z.iso.datetime({ offset: true });

/** What the api writes when it issues the upload URL. */
const issued = z.object({
  /** The user's file name, exactly as sent; the api's file-name rules decide what it accepts. */
  filename: z.string(),
  contentType: text(255),
  /** The size the client announced; the upload URL accepts exactly this many bytes. */
  declaredBytes: count(),
  createdAt: instant(),
});

/** What the upload-processor sets once it has fingerprinted the object. */
const recorded = z.object({
  status: z.enum(['PROCESSED', 'REJECTED']),
  bytes: count(),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hexadecimal characters')),
  /** Sniffed from the first bytes, next to the type the uploader declared. */
  detectedContentType: text(255),
  objectETag: text(1024),
  processedAt: instant(),
  /** On a REJECTED item only. */
  statusReason: z.optional(rejectReason),
  /** The object's version and the event's sequencer (padded to compare), when S3 gives them. */
  objectVersionId: z.optional(text(1024)),
  objectSequencer: z.optional(text(64)),
});
export type RecordedAttributes = z.output<typeof recorded>;

/** Every attribute the upload-processor sets: one that a write leaves out must be removed. */
export const recordedAttributeNames = Object.keys(recorded.shape) as (keyof RecordedAttributes)[];

const required = (item: object, names: readonly string[]) =>
  names.filter((name) => (item as Record<string, unknown>)[name] === undefined);

/** What a completed item always holds, whichever its status. */
const fingerprintNames = ['bytes', 'sha256', 'detectedContentType', 'objectETag', 'processedAt'];

const reasonOnlyIfRejected = z.refine<{ status: UploadStatus; statusReason?: RejectReason | undefined }>(
  (item) => (item.status === 'REJECTED') === (item.statusReason !== undefined),
  { path: ['statusReason'], message: 'set on a REJECTED item and on no other' },
);

const recordedWrite = z.strictObject(recorded.shape).check(reasonOnlyIfRejected);

/**
 * An item of the `uploads` table (hash key `ownerSub`, range key `uploadId`). The api creates it
 * PENDING when it issues an upload URL; the upload-processor completes it, or creates it REJECTED
 * (`no-upload-record`, without the api's attributes) for an object no URL was issued for.
 *
 * Not strict, unlike the ledger event: two services write this item and each deploys on its own,
 * so a reader ignores an attribute the other has started writing rather than failing on it.
 */
export const uploadsItem = z
  .object({
    ownerSub: text(128),
    uploadId: text(128),
    objectKey: text(1024),
    ...z.partial(issued).shape,
    ...z.partial(recorded).shape,
    status: uploadStatus,
  })
  .check(
    z.superRefine((item, ctx) => {
      const problem = (path: string, message: string) =>
        ctx.issues.push({ code: 'custom', input: item, path: [path], message });
      const unissued = item.status === 'REJECTED' && item.statusReason === 'no-upload-record';
      if (!unissued) for (const name of required(item, Object.keys(issued.shape))) problem(name, 'required');
      if (item.status !== 'PENDING') {
        for (const name of required(item, fingerprintNames)) problem(name, `required once ${item.status}`);
      }
    }),
    reasonOnlyIfRejected,
  );
export type UploadsItem = z.output<typeof uploadsItem>;

/** An item as read from the table; throws with a reason naming each attribute that is wrong. */
export function parseUploadsItem(item: unknown): UploadsItem {
  const result = uploadsItem.safeParse(item);
  if (!result.success) throw new Error(`not an uploads item: ${oneLineReason(result.error)}`);
  return result.data;
}

/** The item the api creates when it issues an upload URL: PENDING, for the key the URL writes. */
export function issuedUpload(
  upload: UploadAddress & { filename: string; contentType: string; declaredBytes: number; createdAt: Date },
): UploadsItem {
  return parseUploadsItem({
    ownerSub: upload.ownerSub,
    uploadId: upload.uploadId,
    status: 'PENDING',
    filename: upload.filename,
    contentType: upload.contentType,
    declaredBytes: upload.declaredBytes,
    objectKey: uploadKey(upload),
    createdAt: upload.createdAt.toISOString(),
  });
}

/** The attributes the upload-processor sets on an item, from the object it fingerprinted. */
export function recordedUpload(recording: {
  status: 'PROCESSED' | 'REJECTED';
  reason?: RejectReason | undefined;
  fingerprint: { bytes: number; sha256: string; contentType: string };
  object: { eTag: string; versionId?: string | undefined; sequencer?: string | undefined };
  processedAt: Date;
}): RecordedAttributes {
  const { status, reason, fingerprint, object } = recording;
  const result = recordedWrite.safeParse({
    status,
    bytes: fingerprint.bytes,
    sha256: fingerprint.sha256,
    detectedContentType: fingerprint.contentType,
    objectETag: object.eTag,
    processedAt: recording.processedAt.toISOString(),
    ...(reason && { statusReason: reason }),
    ...(object.versionId && { objectVersionId: object.versionId }),
    ...(object.sequencer && { objectSequencer: object.sequencer }),
  });
  if (!result.success) throw new Error(`not what an uploads item records: ${oneLineReason(result.error)}`);
  return result.data;
}
