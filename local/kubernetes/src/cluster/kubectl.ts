import { spawnSync } from 'node:child_process';

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `kubectl <args>` against a kubeconfig, with optional stdin; never throws on a non-zero exit. */
export function kubectl(
  binary: string,
  kubeconfigFile: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): KubectlResult {
  const result = spawnSync(binary, [`--kubeconfig=${kubeconfigFile}`, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: options.env ?? process.env,
    maxBuffer: 64 << 20,
    timeout: 60_000,
  });
  if (result.error) throw new Error(`kubectl ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
