// The local IdP's signing key and its self-signed certificate, made at start and held in memory
// only: a restart rotates them (and re-registers the metadata that carries the certificate).
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { KeyObject, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface SigningCertificate {
  /** PKCS#8 PEM: what samlify signs with. */
  privateKeyPem: string;
  /** The certificate, PEM: what the metadata publishes and STS verifies with. */
  certificatePem: string;
}

// RSA-SHA256: the signature algorithm every SAML IdP AWS documents uses.
const algorithm = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
} as const;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export async function createSigningCertificate(
  commonName: string,
  now = new Date(),
): Promise<SigningCertificate> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + YEAR_MS),
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return {
    privateKeyPem: KeyObject.from(keys.privateKey).export({ format: 'pem', type: 'pkcs8' }) as string,
    certificatePem: certificate.toString('pem'),
  };
}
