import type { UploadAddress } from './object-keys.ts';

/**
 * The user metadata of an upload object, as the api signs it into the upload URL (S3 stores it as
 * `x-amz-meta-<name>` headers and refuses an upload without them). The upload-processor checks it
 * against the key, so an object written under someone else's key is recorded as REJECTED. Ids
 * only: metadata travels as HTTP headers, which carry ASCII only, so never the file name.
 */
export function uploadMetadata({ ownerSub, uploadId }: UploadAddress): Record<string, string> {
  return { owner: ownerSub, 'upload-id': uploadId };
}

/** What an object's metadata says it is; a name missing from it is undefined, never guessed. */
export function parseUploadMetadata(metadata: Record<string, string | undefined> | undefined): {
  owner: string | undefined;
  uploadId: string | undefined;
} {
  return { owner: metadata?.owner, uploadId: metadata?.['upload-id'] };
}
