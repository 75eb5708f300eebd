// The token checks STS makes before it looks at any role, in order: the token is a JWT; its
// algorithm is asymmetric; its issuer is a registered IAM OIDC provider; its signature verifies
// against the issuer's published keys; it is within exp/nbf/iat; its audience is a client ID of
// the provider. The first failing check refuses the request and is named in the message.
import type { IAMClient } from '@aws-sdk/client-iam';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { findRegisteredProvider, type RegisteredProvider } from './oidc-providers.ts';
import { isFetchableIssuer, type IssuerKeys } from './issuer-keys.ts';
import { invalidIdentityToken, StsError } from './sts-error.ts';

/** Asymmetric algorithms only: with an HS* algorithm anyone holding the public JWKS could sign. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];

export interface VerifiedWebIdentity {
  claims: JWTPayload & { iss: string; sub: string };
  provider: RegisteredProvider;
  /** `azp` when present, else the `aud` value that is one of the provider's client IDs. */
  audience: string;
}

export interface UnverifiedToken {
  issuer?: string;
  subject?: string;
}

/** What the token claims, for the decision log of a refused request. Never trusted for a decision. */
export function peekToken(token: string): UnverifiedToken {
  try {
    const { iss, sub } = decodeJwt(token);
    return { issuer: iss, subject: sub };
  } catch {
    return {};
  }
}

const expiryError = (message: string) => invalidIdentityToken('expiry', `${message} (expiry check)`);

function checkFormatAndAlgorithm(token: string): string {
  let alg: unknown;
  let iss: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
    iss = decodeJwt(token).iss;
  } catch (error) {
    throw invalidIdentityToken(
      'token-format',
      `The web identity token is not a valid JWT: ${(error as Error).message} (token-format check)`,
    );
  }
  if (typeof alg !== 'string' || !ACCEPTED_ALGORITHMS.includes(alg)) {
    throw invalidIdentityToken(
      'algorithm',
      `The web identity token is signed with alg ${JSON.stringify(alg)}; only ${ACCEPTED_ALGORITHMS.join(', ')} are accepted (algorithm check)`,
    );
  }
  const issuerUrl = typeof iss === 'string' ? URL.parse(iss) : null;
  if (!issuerUrl || !isFetchableIssuer(issuerUrl)) {
    throw invalidIdentityToken(
      'issuer',
      `The web identity token's iss ${JSON.stringify(iss)} is not an https URL (or http on loopback) (issuer check)`,
    );
  }
  return iss as string;
}

function explainVerifyError(error: unknown, issuer: string, clockToleranceSeconds: number): StsError {
  if (error instanceof StsError) return error;
  const tolerance = `with ${clockToleranceSeconds} s clock tolerance`;
  if (error instanceof errors.JWTExpired) {
    const { exp } = error.payload;
    return new StsError(
      'expiry',
      'ExpiredTokenException',
      400,
      `Token expired: current date/time ${new Date().toISOString()} must be before the expiration date/time ` +
        `${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : String(exp)} (expiry check, ${tolerance})`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf')
      return expiryError(`The web identity token is not valid yet: nbf is in the future, ${tolerance}`);
    return invalidIdentityToken(
      'token-format',
      `The web identity token's ${error.claim} claim is invalid: ${error.message} (token-format check)`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return invalidIdentityToken(
      'signature',
      `No key in the JWKS of ${issuer} matches the token's kid (signature check)`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalidIdentityToken(
      'signature',
      `The web identity token's signature does not verify with the keys of ${issuer} (signature check)`,
    );
  }
  // A plain JOSEError is jose's "JWKS response was not 200 OK"; a TypeError is fetch failing.
  const unreachable = error instanceof TypeError || (error as Error).constructor === errors.JOSEError;
  if (unreachable || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new StsError(
      'discovery',
      'IDPCommunicationError',
      400,
      `Couldn't retrieve the JWKS of ${issuer}: ${(error as Error).message} (discovery check)`,
    );
  }
  return invalidIdentityToken(
    'token-format',
    `The web identity token is invalid: ${(error as Error).message} (token-format check)`,
  );
}

export interface WebIdentityVerifierOptions {
  iam: IAMClient;
  keys: IssuerKeys;
  clockToleranceSeconds: number;
}

export async function verifyWebIdentityToken(
  token: string,
  { iam, keys, clockToleranceSeconds }: WebIdentityVerifierOptions,
): Promise<VerifiedWebIdentity> {
  const issuer = checkFormatAndAlgorithm(token);
  const provider = await findRegisteredProvider(iam, issuer);

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, await keys.forIssuer(issuer), {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['sub', 'aud', 'exp', 'iat'],
    }));
  } catch (error) {
    throw explainVerifyError(error, issuer, clockToleranceSeconds);
  }
  // jose checks iat only against a maximum token age; a token from the future is refused here.
  if ((claims.iat as number) > Date.now() / 1000 + clockToleranceSeconds) {
    throw expiryError(
      `The web identity token's iat is in the future, with ${clockToleranceSeconds} s clock tolerance`,
    );
  }

  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const matched = audiences.find((aud) => provider.clientIds.includes(aud));
  if (matched === undefined) {
    throw invalidIdentityToken(
      'audience',
      `Incorrect token audience (audience check: aud ${JSON.stringify(claims.aud)} is not a client ID of OIDC provider ` +
        `${provider.url}, which accepts ${JSON.stringify(provider.clientIds)})`,
    );
  }
  const audience = typeof claims.azp === 'string' ? claims.azp : matched;
  return { claims: claims as VerifiedWebIdentity['claims'], provider, audience };
}
