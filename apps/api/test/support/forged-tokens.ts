// Tokens Cognito would never issue, for the token matrix.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SignJWT } from 'jose';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const segment = (json: object) => b64url(JSON.stringify(json));

/**
 * moto signs every Cognito token with one fixed key (kid "dummy") that ships in its source. The
 * tests read its private half to forge tokens with the REAL kid that are expired or not yet valid:
 * Cognito cannot be made to issue those, and a token under an unknown kid would fail for the wrong
 * reason. Service code never sees this key; it only knows the pool's public JWKS.
 */
function motoPrivateKey(): { n: bigint; d: bigint; bytes: number } {
  const venvLib = join(import.meta.dirname, '..', '..', '..', '..', '.local', 'venv', 'lib');
  const python = readdirSync(venvLib).find((name) => name.startsWith('python'));
  if (!python) throw new Error(`no Python in ${venvLib}`);
  const path = join(
    venvLib,
    python,
    'site-packages',
    'moto',
    'cognitoidp',
    'resources',
    'jwks-private.json.gz',
  );
  const jwk = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { n: string; d: string };
  const int = (value: string) => BigInt(`0x${Buffer.from(value, 'base64url').toString('hex')}`);
  return { n: int(jwk.n), d: int(jwk.d), bytes: Buffer.from(jwk.n, 'base64url').length };
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

// moto's private JWK has no CRT parameters, which node:crypto requires, so RS256 is done by hand:
// EMSA-PKCS1-v1_5 (RFC 8017, section 9.2) with the SHA-256 DigestInfo prefix, then m^d mod n.
function rs256(signingInput: string, key: { n: bigint; d: bigint; bytes: number }): Buffer {
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(signingInput).digest(),
  ]);
  const padded = Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.alloc(key.bytes - digestInfo.length - 3, 0xff),
    Buffer.from([0]),
    digestInfo,
  ]);
  const signature = modPow(BigInt(`0x${padded.toString('hex')}`), key.d, key.n);
  return Buffer.from(signature.toString(16).padStart(key.bytes * 2, '0'), 'hex');
}

/** A token signed with the emulator's own key and kid, carrying any claims and header parameters. */
export function signedWithEmulatorKey(claims: object, header: object = {}): string {
  const input = `${segment({ kid: 'dummy', alg: 'RS256', ...header })}.${segment(claims)}`;
  return `${input}.${b64url(rs256(input, motoPrivateKey()))}`;
}

/** A correctly signed token whose key is not in the pool's JWKS. */
export async function signedWithUnknownKey(
  claims: Record<string, unknown>,
  kid = 'not-in-the-jwks',
): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
}

/** `alg: none`, no signature, the real kid. */
export function unsigned(claims: object): string {
  return `${segment({ kid: 'dummy', alg: 'none', typ: 'JWT' })}.${segment(claims)}.`;
}

/** The classic key-confusion forgery: HS256 with the pool's public key (PEM) as the HMAC secret. */
export async function hs256WithPublicKey(claims: Record<string, unknown>, jwksUri: string): Promise<string> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: object[] };
  const pem = createPublicKey({ key: keys[0] as never, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  });
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: 'dummy' })
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
