// `npm run trail -- …`: process wiring only; the command is trail-command.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTrailCommand } from './trail-command.ts';
import { trailDirOf } from './trail-files.ts';

/** The repository is found from this file, not from the working directory npm or a user ran it in. */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
}

// `npm run trail -- … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runTrailCommand({
  argv: process.argv.slice(2),
  // KEYLESS_TRAIL_DIR moves the default, as a system started with it writes there.
  defaultDir: process.env.KEYLESS_TRAIL_DIR || trailDirOf(repoRoot(import.meta.dirname)),
  now: new Date(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
