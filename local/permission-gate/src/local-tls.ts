// A certificate authority made at start, and the gate's certificate signed by it: the workloads
// trust the CA (NODE_EXTRA_CA_CERTS) and reach AWS over TLS, so aws:SecureTransport is true for
// their calls as on AWS. The keys live in memory only; the CA's certificate (public) is written
// for the workloads and for curl (--cacert). A restart makes a new CA.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import * as x509 from '@peculiar/x509';

export interface LocalTls {
  /** The CA's certificate, PEM: what clients trust. */
  caCertificate: string;
  /** The gate's certificate and private key, PEM, for an https server. */
  cert: string;
  key: string;
  /**
   * Another server's certificate from the same CA (the image registry's): the CA's private key
   * stays in this closure, in memory, as long as the system runs.
   */
  issueCertificate(hosts: readonly string[], commonName: string): Promise<{ cert: string; key: string }>;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `hosts`: the names and addresses the gate is reached at (IPs as IP SANs, others as DNS SANs). */
export async function createLocalTls(hosts: readonly string[], now = new Date()): Promise<LocalTls> {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 30 * DAY_MS);
  const caKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=keyless local CA (made at start; never trust it outside this machine)',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  /** A server certificate signed by the CA, for these hosts; its key is made here and returned. */
  const issueCertificate = async (names: readonly string[], commonName: string) => {
    const serverKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const server = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${commonName}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          [...new Set(names)].map((host) =>
            /^[\d.]+$|:/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
          ),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false),
      ],
    });
    const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
    return { cert: server.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
  };
  return {
    caCertificate: ca.toString('pem'),
    ...(await issueCertificate(hosts, 'keyless permission gate')),
    issueCertificate,
  };
}

function serial(): string {
  // Positive (high bit clear) and random, as RFC 5280 asks of a serial number.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
