// A local OIDC issuer: an RS256 key pair made at start-up and held only in memory (a restart is a
// key rotation), the discovery document and JWKS that relying parties fetch, and a token minter.
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import type { MintOptions, TokenMinter } from '../contracts.ts';

export const SIGNING_ALGORITHM = 'RS256';

export interface OidcIssuer extends TokenMinter {
  /** The public half of the signing key, as served at the JWKS URI. */
  readonly jwks: JSONWebKeySet;
  readonly jwksUri: string;
  /** The OpenID Provider metadata served at `<issuer>/.well-known/openid-configuration`. */
  readonly discovery: Record<string, unknown>;
  /** `issuedAt` back-dates a token (iat/nbf, and exp relative to it), e.g. to mint an expired one. */
  mint(options: MintOptions, issuedAt?: Date): Promise<string>;
}

/** Path of the JWKS below the issuer URL (GitHub's layout; EKS serves its keys at `/keys`). */
export const JWKS_PATH = '/.well-known/jwks';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export async function createOidcIssuer(issuerUrl: string): Promise<OidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }] };
  const jwksUri = `${issuerUrl}${JWKS_PATH}`;
  return {
    issuerUrl,
    jwks,
    jwksUri,
    discovery: {
      issuer: issuerUrl,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
    },
    async mint({ subject, audience, expiresInSeconds, extraClaims = {} }, issuedAt = new Date()) {
      const iat = Math.floor(issuedAt.getTime() / 1000);
      return new SignJWT(extraClaims)
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' })
        .setIssuer(issuerUrl)
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + expiresInSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}
