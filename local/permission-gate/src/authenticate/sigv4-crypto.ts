// The SigV4 primitives, from node:crypto alone: the verifier must not share code with the SDK's
// signer, or a bug common to both would verify.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). It
 * changes once a day per credential and service, so it is derived once: four of the five HMACs a
 * request would cost (as the SDK's signer caches it too).
 */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secretAccessKey}`;
  const cached = derivedKeys.get(cacheKey);
  if (cached) return cached;
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const key = hmac(hmac(hmac(kDate, region), service), 'aws4_request');
  // Sessions come and go (an hour each, locally often less): the oldest keys make room.
  if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.delete(derivedKeys.keys().next().value ?? '');
  derivedKeys.set(cacheKey, key);
  return key;
}

const MAX_DERIVED_KEYS = 1_000;
const derivedKeys = new Map<string, Buffer>();

export const signHex = (key: Buffer, stringToSign: string): string => hmac(key, stringToSign).toString('hex');

/** Compares two hex signatures without leaking, through timing, how long a prefix matched. */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided.toLowerCase(), 'utf8');
  // Lengths are public (always 64 for a well-formed signature); equal lengths are what timingSafeEqual needs.
  return a.length === b.length && timingSafeEqual(a, b);
}
