// An ordinary user, with TMPDIR pointing somewhere private whose path has spaces: PostgreSQL runs
// as that user with its cluster under that TMPDIR, and nothing is left there. Run as root (CI),
// the test switches to the unprivileged `nobody` to be that user (the checkout must then be
// reachable by others: a private checkout as root is the fresh-clone journey's case instead).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from '../src/index.ts';

const fixture = join(import.meta.dirname, 'fixtures/database-as-caller.ts');
const asRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };

/** Whether a user that is neither owner nor in the group can enter every directory down to the checkout. */
function checkoutReachableByOthers(): boolean {
  for (let dir = repoRoot; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}

test.skipIf(asRoot && !checkoutReachableByOthers())(
  'PostgreSQL as an ordinary user with a private TMPDIR on a path with spaces',
  { timeout: 120_000 },
  () => {
    const parent = mkdtempSync(join(tmpdir(), 'keyless-user-'));
    const userTmp = join(parent, 'my temp dir');
    try {
      rmSync(userTmp, { recursive: true, force: true });
      spawnSync('mkdir', ['-p', userTmp]);
      chmodSync(parent, 0o755);
      chmodSync(userTmp, 0o700);
      if (asRoot) chownSync(userTmp, nobody.uid, nobody.gid);
      const command = asRoot
        ? [
            'setpriv',
            `--reuid=${nobody.uid}`,
            `--regid=${nobody.gid}`,
            '--clear-groups',
            process.execPath,
            fixture,
          ]
        : [process.execPath, fixture];
      const result = spawnSync(command[0] ?? '', command.slice(1), {
        env: { PATH: process.env.PATH, TMPDIR: userTmp, HOME: userTmp },
        encoding: 'utf8',
        timeout: 100_000,
      });
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { dataDirectory: string; uid: number };
      expect(report.dataDirectory.startsWith(`${userTmp}/keyless-pg-`)).toBe(true);
      if (asRoot) expect(report.uid).toBe(nobody.uid);
      expect(readdirSync(userTmp).filter((entry) => entry.startsWith('keyless-pg-'))).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  },
);
