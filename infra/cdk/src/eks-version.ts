/**
 * The Kubernetes version of the EKS cluster. The k8s manifests are validated against the schemas
 * of this version, so it is the one place to change when upgrading. No kubectl Lambda layer is
 * needed: the app manages no in-cluster objects (the deploy workflow applies those with kubectl,
 * authorized by an EKS access entry).
 */
export const EKS_KUBERNETES_VERSION = '1.35';
