import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnOwned } from '@keyless/owned-process';

export interface DefaultChainResult {
  accessKeyIds?: string[];
  resolutions?: number;
  error?: { name: string; message: string };
  stderr: string;
}

/**
 * Starts a process whose environment is exactly `environment` (plus an empty HOME, so no shared
 * config or credentials file of this machine can answer) and lets the SDK's default chain
 * resolve credentials in it until it has seen `distinct` access keys.
 */
export function resolveInChildProcess(
  environment: Record<string, string>,
  { distinct = 1, maxResolutions = distinct * 20 }: { distinct?: number; maxResolutions?: number } = {},
): Promise<DefaultChainResult> {
  const home = mkdtempSync(join(tmpdir(), 'vending-home-'));
  const child = spawnOwned(
    process.execPath,
    [new URL('./default-chain-child.ts', import.meta.url).pathname, String(distinct), String(maxResolutions)],
    {
      env: { HOME: home, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ ...(JSON.parse(stdout) as Omit<DefaultChainResult, 'stderr'>), stderr });
    });
  });
}
