// Builds the control plane into its cache unless this version is there (npm test runs this first
// with CI=true; run it by hand to take the first build out of a later command).
import { ensureControlPlane } from '../src/toolchain/build-control-plane.ts';

const binaries = ensureControlPlane();
console.log(
  `kubernetes: ${Object.entries(binaries.versions)
    .map(([name, version]) => `${name} v${version}`)
    .join(', ')} in ${binaries.dir}`,
);
