import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k8sRoot } from './paths.ts';

const validatorDir = join(k8sRoot, 'validate');

/**
 * The Kubernetes version the manifests are validated against: the validator's pinned k8s.io/api
 * module, whose v0.<minor>.x releases carry the API types of Kubernetes 1.<minor>.
 */
export function validatedKubernetesVersion(): string {
  const goMod = readFileSync(join(validatorDir, 'go.mod'), 'utf8');
  const minor = /^\s*k8s\.io\/api v0\.(\d+)\.\d+$/m.exec(goMod)?.[1];
  if (!minor) throw new Error(`${validatorDir}/go.mod pins no k8s.io/api v0.x.y`);
  return `1.${minor}`;
}

export class InvalidManifestsError extends Error {
  constructor(name: string, problems: string) {
    super(`${name} does not validate against Kubernetes ${validatedKubernetesVersion()}:\n${problems}`);
    this.name = 'InvalidManifestsError';
  }
}

/**
 * Decodes every document of a YAML stream strictly into the Kubernetes API types (validate/main.go):
 * unknown or misplaced fields, wrong value types, duplicate keys and kinds the version does not
 * serve are refused. Offline once Go has the modules in its cache. Returns the validator's summary.
 */
export function validateManifests(yaml: string, name: string): string {
  const result = spawnSync('go', ['run', '.', '-name', name], {
    cwd: validatorDir,
    input: yaml,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.error) throw new Error(`could not run the manifest validator with Go: ${result.error.message}`);
  if (result.status !== 0) throw new InvalidManifestsError(name, result.stderr.trim());
  return result.stdout.trim();
}
