import * as z from 'zod';

/**
 * The fields of an `uploads` item this function reads. The api creates the item (PENDING, with
 * the key and size it signed the upload URL for); this function completes it.
 */
export const uploadItem = z.object({
  ownerSub: z.string(),
  uploadId: z.string(),
  status: z.string(),
  objectKey: z.string().optional(),
  declaredBytes: z.number().optional(),
  bytes: z.number().optional(),
  sha256: z.string().optional(),
  detectedContentType: z.string().optional(),
  objectETag: z.string().optional(),
  objectVersionId: z.string().optional(),
  objectSequencer: z.string().optional(),
});

export type UploadItem = z.output<typeof uploadItem>;

export const PENDING = 'PENDING';
export const PROCESSED = 'PROCESSED';
export const REJECTED = 'REJECTED';
