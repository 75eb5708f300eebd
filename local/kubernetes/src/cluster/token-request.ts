// TokenRequest: the API server mints a service-account token for the audiences asked, optionally
// bound to a Pod (the token dies with the Pod), as the kubelet asks for a projected token volume.
import type { KubeClient } from './kube-client.ts';

export interface TokenRequestOptions {
  namespace: string;
  serviceAccount: string;
  /** Omitted: the API server's own audience (`--api-audiences`). */
  audiences?: string[];
  expirationSeconds?: number;
  boundPod?: { name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

export async function requestToken(client: KubeClient, options: TokenRequestOptions): Promise<IssuedToken> {
  const { namespace, serviceAccount, audiences, expirationSeconds, boundPod } = options;
  const response = await client.ok<{ status: IssuedToken }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        ...(audiences ? { audiences } : {}),
        ...(expirationSeconds ? { expirationSeconds } : {}),
        ...(boundPod ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', ...boundPod } } : {}),
      },
    },
  );
  return response.status;
}
