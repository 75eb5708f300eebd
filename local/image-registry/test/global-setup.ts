// Before any test file runs: the registry, crane and oras built from the Go module proxy, once
// (about 80 s for the registry on a cold cache; a test hook would time out), then cached in .local/bin.
import { CRANE, DISTRIBUTION, ensureRegistryTool, ORAS } from '../src/registry-tools.ts';

export default function setup(): void {
  for (const tool of [DISTRIBUTION, CRANE, ORAS]) ensureRegistryTool(tool);
}
