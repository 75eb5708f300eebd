import * as z from 'zod/mini';

/**
 * The fields of an `uploads` item this function reads. The api creates the item (PENDING, with
 * the key and size it signed the upload URL for); this function completes it.
 */
export const uploadItem = z.object({
  ownerSub: z.string(),
  uploadId: z.string(),
  status: z.string(),
  objectKey: z.optional(z.string()),
  declaredBytes: z.optional(z.number()),
  bytes: z.optional(z.number()),
  sha256: z.optional(z.string()),
  detectedContentType: z.optional(z.string()),
  objectETag: z.optional(z.string()),
  objectVersionId: z.optional(z.string()),
  objectSequencer: z.optional(z.string()),
});

export type UploadItem = z.output<typeof uploadItem>;

export const PENDING = 'PENDING';
export const PROCESSED = 'PROCESSED';
export const REJECTED = 'REJECTED';
