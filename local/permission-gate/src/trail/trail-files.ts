// Where the trail lives: one JSON-lines file a day under `.local/trail/` of the repository, named
// by its UTC date so that the newest file is the last one by name.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const trailDirOf = (repoRoot: string) => join(repoRoot, '.local', 'trail');

/** `<dir>/2026-05-01.jsonl` for a call made on that UTC day. */
export const trailFileFor = (dir: string, date: Date) =>
  join(dir, `${date.toISOString().slice(0, 10)}.jsonl`);

/** The `.jsonl` files of a directory, oldest first; none when the directory does not exist. */
export async function trailFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name));
}

export async function newestTrailFile(dir: string): Promise<string | undefined> {
  return (await trailFilesIn(dir)).at(-1);
}
