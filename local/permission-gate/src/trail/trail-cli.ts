// `npm run trail -- …`: process wiring only; the command is trail-command.ts.
import { exitQuietlyOnClosedPipe, workspaceRoot } from '../cli-process.ts';
import { runTrailCommand } from './trail-command.ts';
import { trailDirOf } from './trail-files.ts';

exitQuietlyOnClosedPipe();
process.exitCode = await runTrailCommand({
  argv: process.argv.slice(2),
  // KEYLESS_TRAIL_DIR moves the default, as a system started with it writes there.
  defaultDir: process.env.KEYLESS_TRAIL_DIR || trailDirOf(workspaceRoot(import.meta.dirname)),
  now: new Date(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
