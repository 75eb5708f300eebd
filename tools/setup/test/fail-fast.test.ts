// `npm test` on a machine where PostgreSQL cannot start: it stops before any suite runs, in
// seconds, with one message naming the cause. The binary is broken in a copy, never in this tree.
// It runs what `npm test` runs after its install step (run-checks.mjs): the install step would
// `npm ci` this very tree whenever package-lock.json changed, under every other running suite.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { brokenPostgresBinaries } from '@keyless/testing/broken-postgres';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '../../..');

test('npm test (its checks) with an unusable PostgreSQL exits non-zero within 60 s, naming the cause once', () => {
  const broken = brokenPostgresBinaries();
  try {
    const result = spawnSync(process.execPath, [join(root, 'tools/setup/run-checks.mjs')], {
      cwd: root,
      env: { ...process.env, KEYLESS_POSTGRES_BINARIES: broken.directory },
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    expect(result.signal).toBeNull();
    expect(result.status).not.toBe(0);
    expect(result.stderr.match(/PostgreSQL cannot start/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/cause: .*initdb.*"postgres" is needed by initdb/);
    expect(result.stderr).toContain('fix:');
    // No suite ran: Nx was never started.
    expect(result.stdout).not.toMatch(/nx run-many|NX {3}Running/);
  } finally {
    broken.remove();
  }
});
