import type { Caller } from './caller.ts';
import type { AccessTokenVerifier } from './verify-access-token.ts';

export interface VerifiedTokenCacheOptions {
  /** How long a verified token is answered from memory (never past its `exp`); 0 turns the cache off. */
  maxAgeSeconds: number;
  /** When full, the oldest entry makes room. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Remembers tokens that passed verification, keyed by the whole token string, so a caller's next
 * requests skip the RS256 signature check (about as costly as a whole bare-Express request; see
 * bench:api). Only successes are kept: a forged or altered token is a different string and is always
 * verified. An entry ends at the token's `exp` or after `maxAgeSeconds`, whichever is first; the
 * age bound is how long a key removed from the pool's JWKS can still be honoured from memory.
 */
export function cacheVerifiedTokens(
  verifier: AccessTokenVerifier,
  { maxAgeSeconds, maxEntries, now = Date.now }: VerifiedTokenCacheOptions,
): AccessTokenVerifier {
  if (maxAgeSeconds === 0) return verifier;
  const verified = new Map<string, { caller: Caller; validUntil: number }>();
  return {
    hydrate: () => verifier.hydrate(),
    async verify(token) {
      const at = now();
      const entry = verified.get(token);
      if (entry && at < entry.validUntil) return entry.caller;
      if (entry) verified.delete(token);
      const caller = await verifier.verify(token);
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value ?? '');
      verified.set(token, {
        caller,
        validUntil: Math.min(caller.expiresAt * 1000, at + maxAgeSeconds * 1000),
      });
      return caller;
    },
  };
}
