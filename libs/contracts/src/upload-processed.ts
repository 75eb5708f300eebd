import * as z from 'zod/mini';
import { text } from './text.ts';

/**
 * `upload.processed` version 1: the upload-processor fingerprinted an object under `incoming/`.
 * Sent to the `ledger-events` queue; the ledger-worker records it once per `idempotencyKey`.
 */
export const uploadProcessedV1 = z.strictObject({
  type: z.literal('upload.processed'),
  version: z.literal(1),
  /** Same key for every delivery of the same fact, so the ledger can drop redeliveries. */
  idempotencyKey: text(256),
  /** Cognito `sub` of the uploader. */
  ownerSub: text(128),
  uploadId: text(128),
  /** S3 object key (at most 1024 bytes in S3; checked here as characters). */
  key: text(1024),
  bytes: z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hexadecimal characters')),
  contentType: text(255),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type UploadProcessedV1 = z.output<typeof uploadProcessedV1>;
