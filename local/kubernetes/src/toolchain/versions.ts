// The pinned versions of the control plane. The Kubernetes minor comes from the CDK app
// (infra/cdk/src/eks-version.ts, the one place that names it); this file pins the patch of each
// minor it knows, so an upgrade of the cluster fails here until the patch is chosen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/** The newest patch of each minor the Go module proxy serves and go1.26 builds. */
const KUBERNETES_PATCHES: Record<string, string> = { '1.35': '1.35.4' };

/** etcd as k8s.io/kubernetes v1.35.4 requires it in its go.mod (go.etcd.io/etcd/server/v3). */
export const ETCD_VERSION = '3.6.5';
export const POD_IDENTITY_WEBHOOK_VERSION = '0.6.17';
export const AWS_IAM_AUTHENTICATOR_VERSION = '0.7.18';

/** The minor the CDK app deploys: read from its source, since a local project may not import infra. */
export function eksKubernetesMinor(root: string = repoRoot): string {
  const file = join(root, 'infra', 'cdk', 'src', 'eks-version.ts');
  const match = /EKS_KUBERNETES_VERSION\s*=\s*'(1\.\d+)'/.exec(readFileSync(file, 'utf8'));
  if (!match?.[1]) throw new Error(`${file} names no EKS_KUBERNETES_VERSION such as '1.35'`);
  return match[1];
}

/** The Kubernetes patch version built for the CDK app's minor, e.g. 1.35.4. */
export function kubernetesVersion(minor: string = eksKubernetesMinor()): string {
  const patch = KUBERNETES_PATCHES[minor];
  if (!patch) {
    throw new Error(
      `the CDK app runs Kubernetes ${minor}; local/kubernetes pins no patch of it: add one to ` +
        'KUBERNETES_PATCHES in local/kubernetes/src/toolchain/versions.ts',
    );
  }
  return patch;
}
