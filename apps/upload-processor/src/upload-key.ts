/** The prefix the function is triggered on. It must never write there: each write would trigger it again. */
export const INCOMING_PREFIX = 'incoming/';

/**
 * Which `uploads` item an object belongs to, read from its key `incoming/<ownerSub>/<uploadId>`.
 * The key holds ids only: the file name is the item's `filename`, never part of the key.
 */
export interface UploadAddress {
  ownerSub: string;
  uploadId: string;
}

/** Undefined for a key that does not have that shape: no api-issued upload URL writes such a key. */
export function parseUploadKey(key: string): UploadAddress | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const [ownerSub, uploadId, ...rest] = key.slice(INCOMING_PREFIX.length).split('/');
  if (!ownerSub || !uploadId || rest.length > 0) return undefined;
  return { ownerSub, uploadId };
}
