// Before any test file runs: kustomize installed and the validator compiled, once. Both come from
// the Go module proxy the first time (a few minutes on a cold cache), then from Go's caches offline.
import { spawnSync } from 'node:child_process';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { ensureGoTool } from '../src/go-tool.ts';
import { kustomizeTool } from '../src/kustomize.ts';
import { k8sRoot } from '../src/paths.ts';

export default function setup(): void {
  ensureGoTool(kustomizeTool);
  const build = spawnSync('go', ['build', '-o', devNull, '.'], {
    cwd: join(k8sRoot, 'validate'),
    encoding: 'utf8',
  });
  if (build.error || build.status !== 0) {
    throw new Error(`could not build the manifest validator: ${build.error?.message ?? build.stderr}`);
  }
}
