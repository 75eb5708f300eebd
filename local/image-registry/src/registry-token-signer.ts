// The bearer tokens the registry accepts (Distribution's `auth.token`): RS256 JWTs whose header
// carries the signing certificate (`x5c`), which the registry checks against its
// `rootcertbundle`, here that same self-signed certificate. The key is made at start and lives
// in memory only; a token from any other key is refused by the registry.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface RegistryAccess {
  type: 'repository';
  name: string;
  actions: string[];
}

export interface TokenSigner {
  /** PEM of the certificate the registry trusts (its `rootcertbundle`). */
  certificate: string;
  sign(claims: {
    issuer: string;
    subject: string;
    audience: string;
    access: RegistryAccess[];
    expiresAt: Date;
    /** More claims, which the registry ignores. */
    claims?: Record<string, unknown>;
  }): string;
}

const algorithm = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export async function createTokenSigner(issuer: string, now = new Date()): Promise<TokenSigner> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${issuer}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
    format: 'der',
    type: 'pkcs8',
  });
  const x5c = [Buffer.from(certificate.rawData).toString('base64')];
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    certificate: certificate.toString('pem'),
    sign({ issuer: iss, subject, audience, access, expiresAt, claims }) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const header = part({ alg: 'RS256', typ: 'JWT', x5c });
      const payload = part({
        ...claims,
        iss,
        sub: subject,
        aud: audience,
        exp: Math.floor(expiresAt.getTime() / 1000),
        nbf: issuedAt - 1,
        iat: issuedAt,
        jti: randomUUID(),
        access,
      });
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
      return `${header}.${payload}.${signature}`;
    },
  };
}
