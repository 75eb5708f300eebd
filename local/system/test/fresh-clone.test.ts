// A new user's first run, as they would do it: a fresh clone (of the committed HEAD) inside a
// private directory (mode 0700, as `mktemp -d` or /root/… give), on a path with a space, with
// nothing installed or built; `npm start`; `npm run demo`; Ctrl-C to the terminal's process group.
// Then the database- and emulator-level suites, run in that clone.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '@keyless/local-platform';
import { descendantsOf, waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, expect, test } from 'vitest';

const parent = mkdtempSync(join(tmpdir(), 'keyless-fresh-clone-'));
const clone = join(parent, 'my keyless');
// A clone holds node_modules and the emulators' virtualenvs: removing it takes a while on a busy machine.
afterAll(() => rmSync(parent, { recursive: true, force: true }), 300_000);

/** The user's environment: none of this test run's tools on the PATH, no Nx, Vitest or keyless variables. */
function userEnvironment(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(NX_|VITEST|KEYLESS_|npm_)/.test(name) && name !== 'NODE_OPTIONS',
  );
  const path = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':');
  return { ...Object.fromEntries(inherited), PATH: path };
}

test(
  'fresh clone in a private directory: npm start with nothing built, the demo, Ctrl-C; suites pass there',
  { timeout: 1_200_000 },
  async () => {
    expect(statSync(parent).mode & 0o777).toBe(0o700);
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    const env = userEnvironment();
    const platformFile = join(clone, '.local', 'platform.json');

    const npmStart = spawn('npm', ['start'], {
      cwd: clone,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npmStart.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npmStart.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = new Promise<number | null>((resolveExit) => npmStart.once('exit', resolveExit));
    for (let waited = 0; !existsSync(platformFile); waited += 500) {
      if (npmStart.exitCode !== null || waited > 900_000)
        throw new Error(`npm start did not come up:\n${output}`);
      await sleep(500);
    }
    expect(output).toContain('upload-processor:bundle');

    const demo = spawnSync('npm', ['run', 'demo'], { cwd: clone, env, encoding: 'utf8', timeout: 300_000 });
    expect(demo.stdout, demo.stdout + demo.stderr).toContain('demo: every step behaved as printed');
    expect(demo.status).toBe(0);

    const tree = descendantsOf(npmStart.pid ?? 0);
    const group = tree.map((entry) => entry.pid);
    const clusterDirs = tree.flatMap(
      (entry) => /bin\/postgres -D (.+)\/data -p/.exec(entry.command)?.[1] ?? [],
    );
    expect(clusterDirs).toHaveLength(1);
    process.kill(-(npmStart.pid ?? 0), 'SIGINT');
    expect(await exitCode, output).toBe(0);
    expect(await waitUntilGone(group, 10_000)).toEqual([]);
    expect(existsSync(platformFile)).toBe(false);
    expect(clusterDirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(output).toContain('stopped.');

    for (const project of ['local/platform', 'libs/db']) {
      const suite = spawnSync(join(clone, 'node_modules', '.bin', 'vitest'), ['run'], {
        cwd: join(clone, project),
        env: { ...env, PATH: `${join(clone, 'node_modules', '.bin')}:${env.PATH}` },
        encoding: 'utf8',
        timeout: 300_000,
      });
      expect(suite.status, `${project}:\n${suite.stdout}\n${suite.stderr}`).toBe(0);
    }
  },
);
