export { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './cluster/control-plane.ts';
export { KubeClient, type KubeCredentials, type KubeResponse } from './cluster/kube-client.ts';
export { kubeconfig, type KubeconfigUser } from './cluster/kubeconfig.ts';
export { kubectl, type KubectlResult } from './cluster/kubectl.ts';
export {
  IRSA_AUDIENCE,
  startPodIdentityWebhook,
  type PodIdentityWebhook,
} from './cluster/pod-identity-webhook.ts';
export { requestToken, type IssuedToken, type TokenRequestOptions } from './cluster/token-request.ts';
export { clusterIssuerLocation, registerClusterIssuer } from './aws/register-cluster-issuer.ts';
export {
  startNodeAgent,
  type LocalCommand,
  type NodeAgent,
  type NodeAgentOptions,
} from './node-agent/node-agent.ts';
export {
  cachedControlPlane,
  ensureControlPlane,
  type ControlPlaneBinaries,
} from './toolchain/build-control-plane.ts';
