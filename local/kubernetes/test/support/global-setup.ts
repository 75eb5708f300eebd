// Builds the control plane before the suites when this version is not cached (CI from a clean
// machine), with the build's progress on the console; prints the versions either way.
import { ensureControlPlane } from '../../src/toolchain/build-control-plane.ts';

export default function setup(): void {
  const binaries = ensureControlPlane();
  const versions = Object.entries(binaries.versions).map(([name, version]) => `${name} v${version}`);
  process.stdout.write(`kubernetes: ${versions.join(', ')} (${binaries.dir})\n`);
}
