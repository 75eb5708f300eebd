import { spawnSync } from 'node:child_process';
import { ensureGoTool, type GoTool } from './go-tool.ts';

/**
 * kustomize v5.8.2 (Apache-2.0). v5.8.3 needs a newer Go than the current stable release, so it
 * cannot be `go install`ed yet with the toolchains this repository runs on.
 */
export const kustomizeTool: GoTool = {
  binary: 'kustomize',
  packagePath: 'sigs.k8s.io/kustomize/kustomize/v5',
  version: '5.8.2',
  versionArgs: ['version'],
};

/** `kustomize build <dir>`: the rendered manifests as one YAML stream. */
export function kustomizeBuild(dir: string): string {
  const result = spawnSync(ensureGoTool(kustomizeTool), ['build', dir], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.error || result.status !== 0) {
    throw new Error(`kustomize build ${dir} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return result.stdout;
}
