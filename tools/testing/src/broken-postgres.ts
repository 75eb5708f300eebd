import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagedBinaries } from '@keyless/local-platform';

/**
 * A copy of the PostgreSQL binaries whose server cannot be executed, for proving what happens when
 * PostgreSQL cannot start: give `directory` as KEYLESS_POSTGRES_BINARIES. The user's own tree is
 * never touched. The copy is reachable by every user, so as root it is used where it lies.
 */
export function brokenPostgresBinaries(): { directory: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'keyless-broken-pg-'));
  chmodSync(parent, 0o755);
  const directory = join(parent, 'native');
  cpSync(packagedBinaries().directory, directory, { recursive: true, verbatimSymlinks: true });
  chmodSync(join(directory, 'bin', 'postgres'), 0o644);
  return { directory, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
