// Renders an overlay with the pinned kustomize, validates it against the Kubernetes API types of
// the cluster's version, and prints it for kubectl:
//   node bin/render.ts overlays/irsa | kubectl apply --server-side --force-conflicts -f -
import { kustomizeBuild } from '../src/kustomize.ts';
import { validateManifests } from '../src/validate-manifests.ts';

const overlay = process.argv[2];
if (!overlay) {
  console.error('usage: render.ts <overlay directory>   (overlays/irsa or overlays/pod-identity)');
  process.exit(2);
}
try {
  const manifests = kustomizeBuild(overlay);
  console.error(validateManifests(manifests, overlay));
  process.stdout.write(manifests);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
