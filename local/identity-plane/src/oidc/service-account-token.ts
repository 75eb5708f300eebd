// Tokens shaped like the projected service-account tokens the EKS cluster's OIDC issuer signs,
// which the kubelet writes to the file AWS_WEB_IDENTITY_TOKEN_FILE names (IRSA).
import { createHash } from 'node:crypto';
import type { TokenMinter } from '../contracts.ts';

export interface ServiceAccountTokenOptions {
  namespace: string;
  serviceAccount: string;
  /** Defaults to `<serviceAccount>-local`. */
  podName?: string;
  /** IRSA's audience; the EKS pod identity webhook sets exactly this. */
  audience?: string;
  /** The webhook's default for IRSA tokens is 86 400 s. */
  expiresInSeconds?: number;
}

/** A stable UID for a named object, as Kubernetes would keep one for its lifetime. */
function uidFor(kind: string, ...names: string[]): string {
  const hex = createHash('sha256')
    .update([kind, ...names].join('/'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

export function mintServiceAccountToken(
  minter: TokenMinter,
  options: ServiceAccountTokenOptions,
): Promise<string> {
  const { namespace, serviceAccount } = options;
  const podName = options.podName ?? `${serviceAccount}-local`;
  return minter.mint({
    subject: serviceAccountSubject(namespace, serviceAccount),
    audience: [options.audience ?? 'sts.amazonaws.com'],
    expiresInSeconds: options.expiresInSeconds ?? 86_400,
    extraClaims: {
      'kubernetes.io': {
        namespace,
        pod: { name: podName, uid: uidFor('pod', namespace, podName) },
        serviceaccount: { name: serviceAccount, uid: uidFor('serviceaccount', namespace, serviceAccount) },
      },
    },
  });
}
