// No orphan, ever: what a suite's platform started ends with the suite's process, however it ends,
// and a start that half-succeeds stops the half that did. Checked by process tree, not by port.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendantsOf, waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, expect, test } from 'vitest';
import { brokenPostgresBinaries } from '../src/broken-postgres.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'keyless-ownership-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test(
  'SIGKILL of a Vitest worker holding an emulator and a database leaves no process of it within 10 s',
  { timeout: 180_000 },
  async () => {
    const readyFile = join(scratch, 'ready.json');
    const vitest = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../../node_modules/vitest/vitest.mjs'), 'run'],
      {
        cwd: join(fixtures, 'worker-suite'),
        // A Vitest of its own: none of this run's Vitest variables.
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST'))),
          KEYLESS_FIXTURE_READY_FILE: readyFile,
        },
        stdio: 'ignore',
        detached: true,
      },
    );
    try {
      for (let waited = 0; !existsSync(readyFile) && waited < 120_000; waited += 200) await sleep(200);
      const { worker, platform } = JSON.parse(readFileSync(readyFile, 'utf8')) as {
        worker: number;
        platform: { awsEndpoint: string };
      };
      const tree = descendantsOf(worker);
      const commands = tree.map((entry) => entry.command).join('\n');
      expect(commands).toContain('moto.server');
      expect(commands).toMatch(/bin\/postgres -D/);
      const dataDir = /postgres -D (\S+)\/data/.exec(commands)?.[1] ?? '';
      expect(existsSync(dataDir)).toBe(true);

      process.kill(worker, 'SIGKILL');
      expect(await waitUntilGone([worker, ...tree.map((entry) => entry.pid)], 10_000)).toEqual([]);
      expect(existsSync(dataDir)).toBe(false);
      await expect(fetch(`${platform.awsEndpoint}/moto-api/`)).rejects.toThrow();
    } finally {
      if (vitest.exitCode === null && vitest.pid) process.kill(-vitest.pid, 'SIGKILL');
    }
  },
);

test(
  'a start that fails after starting one of its two processes leaves nothing behind',
  { timeout: 120_000 },
  () => {
    const broken = brokenPostgresBinaries();
    try {
      const result = spawnSync(process.execPath, [join(fixtures, 'owners/half-started.ts')], {
        env: { ...process.env, KEYLESS_POSTGRES_BINARIES: broken.directory },
        encoding: 'utf8',
        timeout: 100_000,
      });
      const report = JSON.parse(result.stdout) as { error: string | null; running: { command: string }[] };
      expect(report.error).toMatch(/^PostgreSQL could not start/);
      // The emulator had started; it was stopped before the failure was reported.
      expect(report.running).toEqual([]);
    } finally {
      broken.remove();
    }
  },
);
