// `npm run access-report -- …`: process wiring only; the command is access-report-command.ts.
import { join } from 'node:path';
import { exitQuietlyOnClosedPipe, workspaceRoot } from '../cli-process.ts';
import { trailDirOf } from '../trail/trail-files.ts';
import { runAccessReport } from './access-report-command.ts';

exitQuietlyOnClosedPipe();
const root = workspaceRoot(import.meta.dirname);
process.exitCode = await runAccessReport({
  argv: process.argv.slice(2),
  // KEYLESS_TRAIL_DIR moves the default, as a system started with it writes there.
  defaultTrail: process.env.KEYLESS_TRAIL_DIR || trailDirOf(root),
  defaultAcknowledgements: join(root, 'local', 'permission-gate', 'access-acknowledgements.json'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
