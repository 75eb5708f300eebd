// Tokens Cognito would never issue, for the token matrix.
import { createPublicKey, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const segment = (json: object) => b64url(JSON.stringify(json));

export interface TestJwks {
  /** Where the api under test fetches the pool's keys (its COGNITO_JWKS_URI). */
  url: string;
  /** The key id of the test's own key in that set. */
  kid: string;
  /** A token signed with the test's key under its kid: any claims, any header parameters. */
  sign(claims: object, header?: object): string;
  stop(): Promise<void>;
}

/**
 * The pool's JWKS as the api under test sees it: every key the emulator's pool serves, plus one
 * the test generated. The api verifies real sign-ins as before, and the test can sign tokens
 * Cognito cannot be made to issue — expired, not yet valid, with a `crit` header — under a kid in
 * the set, so they are refused for the reason under test and not for an unknown key. No
 * emulator's private key is read: the test signs with a key it made itself.
 */
export async function startTestJwks(poolJwksUri: string): Promise<TestJwks> {
  const kid = `test-${randomUUID()}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ownKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const upstream = await fetch(poolJwksUri);
        const { keys } = (await upstream.json()) as { keys: object[] };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: [...keys, ownKey] }));
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    kid,
    sign: (claims, header = {}) => rs256(claims, { kid, alg: 'RS256', ...header }, privateKey),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signed by hand, so the header can carry what a JOSE library would refuse to write (`crit: []`). */
function rs256(claims: object, header: object, key: KeyObject): string {
  const input = `${segment(header)}.${segment(claims)}`;
  const signer = createSign('RSA-SHA256');
  signer.update(input);
  return `${input}.${b64url(signer.sign(key))}`;
}

/** A correctly signed token whose key is not in the pool's JWKS. */
export async function signedWithUnknownKey(
  claims: Record<string, unknown>,
  kid = 'not-in-the-jwks',
): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
}

/** `alg: none`, no signature, under `kid` (one the JWKS holds). */
export function unsigned(claims: object, kid: string): string {
  return `${segment({ kid, alg: 'none', typ: 'JWT' })}.${segment(claims)}.`;
}

/**
 * The classic key-confusion forgery: HS256 with a public key of the pool's JWKS (PEM) as the HMAC
 * secret, under that key's kid.
 */
export async function hs256WithPublicKey(claims: Record<string, unknown>, jwksUri: string): Promise<string> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: (object & { kid?: string })[] };
  const [key] = keys;
  if (!key?.kid) throw new Error(`no key with a kid at ${jwksUri}`);
  const pem = createPublicKey({ key: key as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .sign(Buffer.from(String(pem)));
}

/** A real token with its payload changed and its signature kept. */
export function tampered(
  token: string,
  change: (claims: Record<string, unknown>) => Record<string, unknown>,
): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return `${header}.${segment(change(claims))}.${signature}`;
}
