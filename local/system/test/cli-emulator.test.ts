// `npm start -- --emulator ministack`: the whole local system on another emulator than moto, and
// `npm run demo` against it, every step as printed; then Ctrl-C stops it cleanly.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCommand, emulatorPython } from '@keyless/local-platform';
import { waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, startCli } from './support/running-cli.ts';

const workDir = mkdtempSync(join(tmpdir(), 'keyless-cli-emulator-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

// npm test installs every emulator; after `npm start` alone (moto only) this says how to.
const installed = existsSync(emulatorPython('ministack'));
describe.skipIf(!installed)(
  installed
    ? 'npm start -- --emulator ministack'
    : `ministack (not installed: \`${installCommand('ministack')}\`)`,
  () => {
    test(
      'comes up on ministack, the demo passes every step, and Ctrl-C stops it cleanly',
      { timeout: 300_000 },
      async () => {
        const running = await startCli(workDir, ['--emulator', 'ministack']);
        const { platform } = running;
        expect(platform.emulator?.name).toBe('ministack');
        expect((await fetch(platform.emulator?.healthUrl ?? '')).ok).toBe(true);
        expect(platform.emulator?.healthUrl).toMatch(/\/_ministack\/health$/);
        expect(platform.accountId).toBe('123456789012');

        const demo = spawnSync(process.execPath, [cli, 'demo'], {
          env: { PATH: process.env.PATH, KEYLESS_PLATFORM_FILE: running.platformFile },
          encoding: 'utf8',
          timeout: 150_000,
        });
        expect(demo.stdout, demo.stdout + demo.stderr).toContain('demo: every step behaved as printed');
        expect(demo.status).toBe(0);
        expect(demo.stdout.match(/✔/g)).toHaveLength(16);

        const { pids } = running.tree();
        process.kill(-(running.child.pid ?? 0), 'SIGINT');
        expect(await running.exitCode).toBe(0);
        expect(await waitUntilGone(pids, 10_000)).toEqual([]);
        expect(existsSync(running.platformFile)).toBe(false);
      },
    );
  },
);

test('an emulator the flag names that is none of them stops start-up with the accepted names', () => {
  const result = spawnSync(process.execPath, [cli, 'start', '--emulator', 'dynamo-local'], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/KEYLESS_EMULATOR: .*"moto"\|"ministack"\|"localstack"/);
  const missing = spawnSync(process.execPath, [cli, 'start', '--emulator'], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('--emulator needs a value: one of moto, ministack, localstack');
});
