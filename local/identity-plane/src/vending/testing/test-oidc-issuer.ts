import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { TokenMinter } from '../../contracts.ts';
import { listenOnLoopback, sendJson } from '../../loopback-server.ts';

export interface TestOidcIssuer extends TokenMinter {
  readonly jwksUrl: string;
  /** Signed with this issuer's real key, but claiming another issuer in `iss`. */
  mintClaiming(issuerUrl: string, options: Parameters<TokenMinter['mint']>[0]): Promise<string>;
  close(): Promise<void>;
}

/** A small jose-signed issuer with a JWKS on 127.0.0.1, standing in for the local "EKS cluster". */
export async function startTestOidcIssuer(): Promise<TestOidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = await listenOnLoopback(async (request, response) => {
    if (request.url === '/eks/keys') sendJson(response, 200, { keys: [jwk] });
    else sendJson(response, 404, {});
  });
  const issuerUrl = `${server.origin}/eks`;
  return {
    issuerUrl,
    jwksUrl: `${issuerUrl}/keys`,
    mint: (options) => signToken(privateKey, kid, issuerUrl, options),
    mintClaiming: (claimedIssuer, options) => signToken(privateKey, kid, claimedIssuer, options),
    close: () => server.close(),
  };
}

/** A token signed by a key the issuer never published: what a forger would present. */
export async function mintWithUnknownKey(
  issuerUrl: string,
  options: Parameters<TokenMinter['mint']>[0],
): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return signToken(privateKey, 'test-key-1', issuerUrl, options);
}

function signToken(
  key: CryptoKey,
  kid: string,
  issuerUrl: string,
  { subject, audience, expiresInSeconds, extraClaims = {} }: Parameters<TokenMinter['mint']>[0],
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(extraClaims)
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(issuerUrl)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(key);
}
