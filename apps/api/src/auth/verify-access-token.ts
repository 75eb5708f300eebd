import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { callerFrom, type Caller } from './caller.ts';
import { createPoolJwksCache } from './pool-jwks-cache.ts';
import { refuseCriticalHeaders } from './refuse-critical-headers.ts';

export interface AccessTokenVerifierOptions {
  userPoolId: string;
  clientId: string;
  /** Where the pool's JWKS is fetched from; the issuer checked in tokens is always Cognito's own. */
  jwksUri: string;
  onJwksFetched?: (event: { uri: string; keys: number }) => void;
}

export interface AccessTokenVerifier {
  /** Fetches the JWKS so the first requests do not wait for it. */
  hydrate(): Promise<void>;
  /** The caller, or throws one of aws-jwt-verify's errors (see authFailureReason). */
  verify(token: string): Promise<Caller>;
}

/**
 * Verifies Cognito ACCESS tokens of one user pool and one app client with aws-jwt-verify: RS256
 * signature against the pool's JWKS, `iss`, `token_use`, `client_id`, `exp`, `nbf`, and no `crit`
 * header (which the library does not check). The same code runs against Cognito and against the
 * emulator; only `jwksUri` differs.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { userPoolId, clientId } = options;
  // Both issuer formats Cognito uses; the verifier accepts either, and looks keys up under these URIs.
  const poolJwksUris = [
    CognitoJwtVerifier.parseUserPoolId(userPoolId).jwksUri,
    CognitoJwtVerifier.parseUserPoolId(userPoolId, `https://issuer-cognito-idp.amazonaws.com`).jwksUri,
  ];
  const verifier = CognitoJwtVerifier.create(
    { userPoolId, clientId, tokenUse: 'access', customJwtCheck: refuseCriticalHeaders },
    {
      jwksCache: createPoolJwksCache({
        poolJwksUris,
        fetchFrom: options.jwksUri,
        ...(options.onJwksFetched ? { onFetched: options.onJwksFetched } : {}),
      }),
    },
  );
  return {
    hydrate: () => verifier.hydrate(),
    verify: async (token) => callerFrom(await verifier.verify(token)),
  };
}
