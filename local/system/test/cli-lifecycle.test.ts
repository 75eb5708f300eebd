// How `npm start` ends when it is not asked to: its CLI SIGKILLed, or a component dying under it.
// Checked by process tree, not by port.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, expect, test } from 'vitest';
import { startCli } from './support/running-cli.ts';

const workDir = mkdtempSync(join(tmpdir(), 'keyless-cli-lifecycle-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test(
  'SIGKILL of the CLI: within 10 s no process it started is left, nor its database files',
  { timeout: 240_000 },
  async () => {
    const running = await startCli(join(workDir, 'killed'));
    const { pids, clusterDirs } = running.tree();
    // emulator, PostgreSQL, ledger-worker, two api tasks, a Lambda environment, the watchdog
    expect(pids.length).toBeGreaterThanOrEqual(7);
    expect(clusterDirs).toHaveLength(1);

    running.child.kill('SIGKILL');
    expect(await waitUntilGone(pids, 10_000)).toEqual([]);
    expect(clusterDirs.filter((dir) => existsSync(dir))).toEqual([]);
  },
);

test(
  'the emulator dying: the CLI names it, stops the rest, cleans up and exits non-zero',
  { timeout: 240_000 },
  async () => {
    const running = await startCli(join(workDir, 'emulator-died'));
    const { pids, clusterDirs } = running.tree();
    // The emulator the platform file names, among the CLI's descendants.
    const emulator = descendantsOf(running.child.pid ?? 0).find(
      (entry) => entry.pid === running.platform.emulator?.pid,
    );
    expect(emulator).toBeDefined();

    process.kill(emulator?.pid ?? 0, 'SIGKILL');
    expect(await running.exitCode).not.toBe(0);
    expect(running.output()).toContain(
      'the AWS emulator ended unexpectedly (signal SIGKILL): stopping the local system',
    );
    expect(running.output()).not.toMatch(/ECONNREFUSED.*\n\s+at /);
    expect(await waitUntilGone(pids, 10_000)).toEqual([]);
    expect(existsSync(running.platformFile)).toBe(false);
    expect(clusterDirs.filter((dir) => existsSync(dir))).toEqual([]);
  },
);
