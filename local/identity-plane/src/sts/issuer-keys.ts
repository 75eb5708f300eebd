// Signing keys of registered issuers, found the way OIDC relying parties find them: the discovery
// document at <issuer>/.well-known/openid-configuration names the JWKS. Fetches go only to the
// issuer's own origin, and plain HTTP only to loopback, so a token cannot steer the front to an
// arbitrary URL. An issuer no name on this machine resolves to (an EKS cluster's
// https://oidc.eks.<region>.amazonaws.com/id/<ID>) may be given a location: the origin that serves
// its documents here (the local cluster's API server), trusted through its own CA.
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { fetchTrusting } from '../fetch-trusting.ts';
import { StsError } from './sts-error.ts';

const FETCH_TIMEOUT_MS = 5_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const communicationError = (message: string) =>
  new StsError('discovery', 'IDPCommunicationError', 400, `${message} (discovery check)`);

/** An issuer the front may contact: https, or http on this machine only. */
export function isFetchableIssuer(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}

/** Where this machine reaches an issuer whose own host it cannot: the documents' origin, and its CA. */
export interface IssuerLocation {
  /** e.g. https://127.0.0.1:6443, serving /.well-known/openid-configuration for the issuer. */
  url: string;
  /** PEM; the CA that signed that origin's certificate, when it is not a public one. */
  caCertificate?: string;
}

async function discoverJwksUri(issuer: string, location: IssuerLocation | undefined): Promise<URL> {
  const origin = location?.url ?? issuer;
  const discoveryUrl = `${origin.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const fetchDocument = location?.caCertificate ? fetchTrusting(location.caCertificate) : fetch;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetchDocument(discoveryUrl, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw communicationError(
      `Couldn't retrieve the discovery document ${discoveryUrl}: ${(error as Error).message}`,
    );
  }
  if (document.issuer !== issuer) {
    throw communicationError(
      `The discovery document at ${discoveryUrl} names issuer ${String(document.issuer)}`,
    );
  }
  const jwksUri = typeof document.jwks_uri === 'string' ? URL.parse(document.jwks_uri) : null;
  if (!jwksUri || jwksUri.origin !== new URL(origin).origin) {
    throw communicationError(
      `The discovery document at ${discoveryUrl} names a jwks_uri outside the issuer's origin`,
    );
  }
  return jwksUri;
}

export interface IssuerKeys {
  /** The key resolver for a registered issuer; jose caches the JWKS and refetches on an unknown kid (30 s cooldown). */
  forIssuer(issuer: string): Promise<JWTVerifyGetKey>;
}

/** `locations`: issuer URL → where its documents are served on this machine. */
export function createIssuerKeys(locations: Readonly<Record<string, IssuerLocation>> = {}): IssuerKeys {
  const resolvers = new Map<string, Promise<JWTVerifyGetKey>>();
  return {
    forIssuer(issuer) {
      let resolver = resolvers.get(issuer);
      if (!resolver) {
        const location = Object.hasOwn(locations, issuer) ? locations[issuer] : undefined;
        resolver = discoverJwksUri(issuer, location).then((jwksUri) =>
          createRemoteJWKSet(jwksUri, {
            timeoutDuration: FETCH_TIMEOUT_MS,
            ...(location?.caCertificate ? { [customFetch]: fetchTrusting(location.caCertificate) } : {}),
          }),
        );
        // A failed discovery is retried on the next token rather than cached.
        resolver.catch(() => resolvers.delete(issuer));
        resolvers.set(issuer, resolver);
      }
      return resolver;
    },
  };
}
