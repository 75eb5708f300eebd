// What the package's two command-line entries share: finding the repository from their own file
// (not from the directory npm or a user ran them in), and a closed pipe (`… | head`) ending them
// quietly rather than with a stack trace.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function workspaceRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
}

export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
