import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Installed packages, build output and local state: not the repository's documentation.
const skipped = new Set(['node_modules', '.local', '.nx', 'cdk.out', 'dist', 'coverage', '.git']);

/** Every Markdown file under `dir`, depth first. */
export function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? markdownFiles(path) : entry.name.endsWith('.md') ? [path] : [];
  });
}
