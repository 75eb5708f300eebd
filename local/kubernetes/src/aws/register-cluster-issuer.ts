// What `eksctl utils associate-iam-oidc-provider` (or the CDK app's cluster construct) does: the
// cluster's issuer registered as an IAM OIDC provider, so STS accepts its tokens at all. The STS
// front then finds the keys through the issuer's discovery document, which the API server serves.
import { CreateOpenIDConnectProviderCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { IssuerLocation } from '@keyless/identity-plane';
import type { ControlPlane } from '../cluster/control-plane.ts';

/** The audience IRSA tokens carry: the IAM OIDC provider's client ID. */
export const IRSA_CLIENT_ID = 'sts.amazonaws.com';

export async function registerClusterIssuer(iam: IAMClient, cluster: ControlPlane): Promise<string> {
  const created = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: cluster.issuer, ClientIDList: [IRSA_CLIENT_ID] }),
  );
  return created.OpenIDConnectProviderArn ?? '';
}

/** For the STS front: the issuer's documents are served by the API server, under the cluster CA. */
export function clusterIssuerLocation(cluster: ControlPlane): Record<string, IssuerLocation> {
  return { [cluster.issuer]: { url: cluster.server, caCertificate: cluster.pki.caCertificate } };
}
