// `npm run access-report -- …`: process wiring only; the command is access-report-command.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trailDirOf } from '../trail/trail-files.ts';
import { runAccessReport } from './access-report-command.ts';

/** The repository is found from this file, not from the working directory npm or a user ran it in. */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const root = repoRoot(import.meta.dirname);
process.exitCode = await runAccessReport({
  argv: process.argv.slice(2),
  // KEYLESS_TRAIL_DIR moves the default, as a system started with it writes there.
  defaultTrail: process.env.KEYLESS_TRAIL_DIR || trailDirOf(root),
  defaultAcknowledgements: join(root, 'local', 'permission-gate', 'access-acknowledgements.json'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
