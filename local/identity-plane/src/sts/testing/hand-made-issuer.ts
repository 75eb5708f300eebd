// An OIDC issuer the test controls completely (ES256 key, any claims, any discovery document),
// for the token checks that the well-behaved local issuers never trip.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { close, listen } from '../../loopback-server.ts';

export interface HandMadeIssuer {
  issuerUrl: string;
  /** Signs exactly these claims (nothing added) with the published ES256 key. */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startHandMadeIssuer(
  discovery: (issuerUrl: string) => Record<string, unknown> = (issuerUrl) => ({
    issuer: issuerUrl,
    jwks_uri: `${issuerUrl}/jwks`,
  }),
): Promise<HandMadeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'hand-made', alg: 'ES256' }] };
  let issuerUrl = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/issuer/.well-known/openid-configuration'
        ? discovery(issuerUrl)
        : req.url === '/issuer/jwks'
          ? jwks
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  issuerUrl = `${await listen(server, '127.0.0.1', 0)}/issuer`;
  return {
    issuerUrl,
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'hand-made' }).sign(privateKey),
    close: async () => {
      if (server.listening) await close(server);
    },
  };
}
