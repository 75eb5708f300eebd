import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

/**
 * The binaries of one Kubernetes version, outside the checkout like the Node and emulator installs:
 * every clone and worktree on the machine shares one build. KEYLESS_KUBERNETES_CACHE moves it.
 */
export function controlPlaneBinDir(kubernetesVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.KEYLESS_KUBERNETES_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'keyless', 'kubernetes');
  return join(base, kubernetesVersion, 'bin');
}
