// Before any test file runs: the local ECR's registry and crane (the images rehearsal's client)
// built once from the Go module proxy (about 80 s for the registry on a cold cache, longer than a
// test hook may take), then cached in .local/bin for every system the tests start.
import { CRANE, DISTRIBUTION, ensureRegistryTool } from '@keyless/image-registry';

export default function setup(): void {
  for (const tool of [DISTRIBUTION, CRANE]) ensureRegistryTool(tool);
}
