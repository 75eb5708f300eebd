import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SystemDescription } from './start-system.ts';

export const platformFileVersion = 1;

/**
 * `.local/platform.json` lets scripts and tools find the running platform. It holds the demo
 * users' passwords, so it is readable by the owner only and removed on shutdown. It appears
 * atomically (write, then rename), so a reader polling for it never sees half a file.
 */
export async function writePlatformFile(path: string, description: SystemDescription): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await writeFile(partial, `${JSON.stringify({ version: platformFileVersion, ...description }, null, 2)}\n`, {
    mode: 0o600,
  });
  await rename(partial, path);
}
