import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks, type JwksCache } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';

export interface PoolJwksCacheOptions {
  /** The JWKS URIs the verifier derives from the pool id (one per Cognito issuer format). */
  poolJwksUris: readonly string[];
  /** Where the pool's JWKS is actually fetched: Cognito itself, or a stand-in such as the emulator. */
  fetchFrom: string;
  onFetched?: (event: { uri: string; keys: number }) => void;
  fetchTimeoutMs?: number;
}

/**
 * The library's own JWKS cache (kid lookup, one refetch on an unknown kid, concurrent fetches
 * shared, a penalty box against kid floods), changed in two ways only:
 * - every JWKS URI of the pool is filed under `fetchFrom`, so both Cognito issuer formats share one
 *   key set and one refetch budget;
 * - fetching uses `fetch`, which (unlike the library's https-only default) also reaches an http://
 *   emulator. It only ever requests `fetchFrom`: asked for any other URI, it refuses.
 * Signature, issuer, token use, client id and expiry checks stay entirely in CognitoJwtVerifier.
 */
export function createPoolJwksCache(options: PoolJwksCacheOptions): JwksCache {
  const { fetchFrom } = options;
  const inner = new SimpleJwksCache({ fetcher: new SingleUriFetcher(options) });
  const key = (uri: string): string => {
    if (!options.poolJwksUris.includes(uri)) {
      throw new NonRetryableFetchError(uri, 'not a JWKS URI of the configured user pool');
    }
    return fetchFrom;
  };
  return {
    getJwk: async (uri: string, jwt: DecomposedJwt) => inner.getJwk(key(uri), jwt),
    getCachedJwk: (uri: string, jwt: DecomposedJwt) => inner.getCachedJwk(key(uri), jwt),
    addJwks: (uri: string, jwks: Jwks) => inner.addJwks(key(uri), jwks),
    getJwks: async (uri: string) => inner.getJwks(key(uri)),
  };
}

class SingleUriFetcher implements Fetcher {
  readonly #options: PoolJwksCacheOptions;

  constructor(options: PoolJwksCacheOptions) {
    this.#options = options;
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    const { fetchFrom, fetchTimeoutMs = 3_000, onFetched } = this.#options;
    if (uri !== fetchFrom) throw new NonRetryableFetchError(uri, 'not the configured JWKS URI');
    // No redirects: a JWKS that moved is a configuration problem, not something to follow.
    const response = await fetch(fetchFrom, {
      redirect: 'error',
      signal: AbortSignal.timeout(fetchTimeoutMs),
      headers: { accept: 'application/json' },
    }).catch((error: unknown) => {
      // The library's own error type, so callers can tell "keys unavailable" from "bad token".
      throw new FetchError(
        uri,
        error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : 'failed',
      );
    });
    if (response.status !== 200) {
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    const body = await response.arrayBuffer();
    onFetched?.({ uri, keys: countKeys(body) });
    return body;
  }
}

function countKeys(body: ArrayBuffer): number {
  try {
    const { keys } = JSON.parse(new TextDecoder().decode(body)) as { keys?: unknown };
    return Array.isArray(keys) ? keys.length : 0;
  } catch {
    return 0; // the library's parser rejects it with a proper error
  }
}
