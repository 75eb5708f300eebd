import { createHash } from 'node:crypto';
import { SNIFF_BYTES, sniffContentType } from './sniff-content-type.ts';

export interface Fingerprint {
  bytes: number;
  /** Lowercase hex. */
  sha256: string;
  /** Sniffed from the first bytes, not taken from the uploader's Content-Type. */
  contentType: string;
}

/**
 * Reads a stream once, chunk by chunk, into a sha256 and a byte count, keeping only the first
 * bytes for the content-type sniffer. Memory stays at about one chunk whatever the object's size;
 * `for await` reads the next chunk only when this one is hashed, so the download is paced by the
 * hashing.
 */
export async function fingerprintObject(body: AsyncIterable<Uint8Array>): Promise<Fingerprint> {
  const hash = createHash('sha256');
  const head = new Uint8Array(SNIFF_BYTES);
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    if (bytes < SNIFF_BYTES) head.set(chunk.subarray(0, SNIFF_BYTES - bytes), bytes);
    bytes += chunk.length;
  }
  return {
    bytes,
    sha256: hash.digest('hex'),
    contentType: sniffContentType(head.subarray(0, Math.min(bytes, SNIFF_BYTES))),
  };
}
