import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PlatformDescription } from './platform.ts';

export const platformFileVersion = 1;

/**
 * `.local/platform.json` lets scripts and tools find the running platform. It holds the demo
 * users' passwords, so it is readable by the owner only and removed on shutdown.
 */
export async function writePlatformFile(path: string, description: PlatformDescription): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ version: platformFileVersion, ...description }, null, 2)}\n`, {
    mode: 0o600,
  });
}

export const removePlatformFile = (path: string) => rm(path, { force: true });
