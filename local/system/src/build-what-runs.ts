import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@keyless/local-platform';

/**
 * Builds what `npm start` runs that is not run from source (the Lambda bundle), through Nx, so a
 * second start is served from its cache. Nx names a failing project; the start stops there.
 */
export function buildWhatRuns(): void {
  const nx = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'nx'),
    ['run', 'local-system:build', '--outputStyle=static'],
    // No Nx daemon: nothing of `npm start` may outlive it.
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (nx.status !== 0) {
    throw new Error('the build of what the local system runs failed (the failing project is named above)');
  }
}
