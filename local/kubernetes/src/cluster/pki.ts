// The cluster's certificate authority and the certificates the components present, made at each
// start like kubeadm's `certs` phase: the API server's serving certificate, the client
// certificates of the admin and the controller manager (the API server maps CN to the user and O
// to groups), the webhook's serving certificate, and the service-account signing key pair.
// Nothing is kept between starts: a restarted cluster is a new cluster.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyPair {
  cert: string;
  key: string;
}

export interface ClusterPki {
  caCertificate: string;
  apiServer: KeyPair;
  admin: KeyPair;
  controllerManager: KeyPair;
  webhook: KeyPair;
  authenticator: KeyPair;
  /** RS256, as EKS signs service-account tokens. */
  serviceAccount: { publicKey: string; privateKey: string };
}

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function pem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function createClusterPki(now = new Date()): Promise<ClusterPki> {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 30 * DAY_MS);
  const caKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=kubernetes (keyless local cluster CA, made at start)',
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

  async function leaf(subject: string, usage: 'server' | 'client', hosts: string[] = []): Promise<KeyPair> {
    const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ];
    if (hosts.length > 0) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension(
          hosts.map((host) =>
            /^[\d.]+$/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
          ),
        ),
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions,
    });
    return { cert: cert.toString('pem'), key: await pem(keys.privateKey) };
  }

  const serviceAccount = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    caCertificate: ca.toString('pem'),
    apiServer: await leaf('CN=kube-apiserver', 'server', [
      '127.0.0.1',
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ]),
    // system:masters: the group that bypasses RBAC, as kubeadm's admin.conf and EKS's cluster creator.
    admin: await leaf('CN=kubernetes-admin, O=system:masters', 'client'),
    // The user the built-in system:kube-controller-manager binding grants exactly what it needs.
    controllerManager: await leaf('CN=system:kube-controller-manager', 'client'),
    webhook: await leaf('CN=pod-identity-webhook', 'server', ['127.0.0.1', 'localhost']),
    authenticator: await leaf('CN=aws-iam-authenticator', 'server', ['127.0.0.1', 'localhost']),
    serviceAccount: { publicKey: serviceAccount.publicKey, privateKey: serviceAccount.privateKey },
  };
}
