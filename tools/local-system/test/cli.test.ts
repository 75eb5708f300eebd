import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { connectedSpans, readSpans } from '../src/trace-tree.ts';

const cli = join(import.meta.dirname, '../src/cli.ts');
const workDir = mkdtempSync(join(tmpdir(), 'keyless-cli-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function descendants(pid: number): number[] {
  const { stdout } = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  const children = stdout.split('\n').map(Number).filter(Boolean);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The data directory a postgres server runs in, from its command line (`-D <dir>`). */
function postgresDataDirs(pids: number[]): string[] {
  return pids.flatMap((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('-D');
      return at >= 0 && readlinkSync(`/proc/${pid}/exe`).endsWith('postgres') ? [args[at + 1] ?? ''] : [];
    } catch {
      return [];
    }
  });
}

async function waitForFile(path: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 600 && !existsSync(path); i++) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    await sleep(100);
  }
  if (!existsSync(path)) throw new Error(`no platform file after 60 s:\n${output()}`);
}

describe('npm start', () => {
  test(
    'comes up, runs the rehearsal and the demo, and stops cleanly on SIGTERM',
    { timeout: 240_000 },
    async () => {
      const file = join(workDir, 'platform.json');
      const child = spawn(process.execPath, [cli, 'start'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          KEYLESS_PLATFORM_FILE: file,
          KEYLESS_TOKEN_DIR: join(workDir, 'tokens'),
          KEYLESS_TRACES_FILE: join(workDir, 'traces.jsonl'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitForFile(file, child, () => output);

      const platform = JSON.parse(readFileSync(file, 'utf8'));
      expect(platform).toMatchObject({ version: 1, region: 'eu-west-1', accountId: '123456789012' });
      expect(platform.resources.names).toMatchObject({ bucket: 'keyless-files', uploadsTable: 'uploads' });
      expect(platform.resources.userDirectory.users.map((u: { username: string }) => u.username)).toEqual([
        'demo',
        'admin',
      ]);
      expect((await fetch(`${platform.endpoints.aws}/moto-api/`)).ok).toBe(true);
      expect(readFileSync(platform.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8')).toMatch(/^ey/);
      const discovery = await fetch(`${platform.identity.issuers.eks}/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(platform.identity.issuers.eks);
      await sleep(200);
      expect(output).toContain(platform.endpoints.aws);

      // `npm run rehearse:deploy` against the running system: every rehearsal behaves as printed.
      const rehearsal = spawnSync(process.execPath, [cli, 'rehearse-deploy'], {
        env: { PATH: process.env.PATH, KEYLESS_PLATFORM_FILE: file },
        encoding: 'utf8',
      });
      expect(rehearsal.status).toBe(0);
      expect(rehearsal.stdout).toMatch(/^ok {2}deploy job .*: deploy allowed$/m);
      expect(rehearsal.stdout).toMatch(/^ok {2}pull request asking for deploy: deploy denied$/m);
      expect(rehearsal.stdout).not.toContain('UNEXPECTED');

      // `npm run demo`: every flow, hop by hop; it exits non-zero if any step misbehaves.
      const demo = spawnSync(process.execPath, [cli, 'demo'], {
        env: { PATH: process.env.PATH, KEYLESS_PLATFORM_FILE: file },
        encoding: 'utf8',
        timeout: 150_000,
      });
      expect(demo.stdout).toContain('demo: every step behaved as printed');
      expect(demo.status).toBe(0);
      expect(demo.stdout.match(/✔/g)).toHaveLength(12);

      // The trace of the upload crosses every hop, including the two asynchronous ones.
      const spans = readSpans(platform.tracesFile);
      const post = spans.find(
        (span) => span.resource['service.name'] === 'api' && span.attributes['http.route'] === '/v1/uploads',
      );
      const graph = connectedSpans(spans, post?.traceId ?? '');
      const hop = (kind: string, from: string, to: string) =>
        graph.edges.some(
          (edge) =>
            edge.kind === kind &&
            edge.from.resource['service.name'] === from &&
            edge.to.resource['service.name'] === to,
        );
      expect(hop('link', 'api', 'upload-processor')).toBe(true);
      expect(hop('parent', 'upload-processor', 'ledger-worker')).toBe(true);
      expect(
        graph.spans.some(
          (span) => span.name.startsWith('pg.query') && span.resource['service.name'] === 'ledger-worker',
        ),
      ).toBe(true);

      const children = descendants(child.pid ?? 0);
      const dataDirs = postgresDataDirs(children);
      // emulator, PostgreSQL, ledger-worker, two api tasks, at least one warm Lambda environment
      expect(children.length).toBeGreaterThanOrEqual(6);
      expect(dataDirs).toHaveLength(1);

      const exitCode = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(children.filter(alive)).toEqual([]);
      expect(existsSync(file)).toBe(false);
      expect(dataDirs.filter((dir) => existsSync(dir))).toEqual([]);
    },
  );

  test('a bad variable stops start-up with a message that names it', () => {
    const result = spawnSync(process.execPath, [cli, 'start'], {
      env: { PATH: process.env.PATH, KEYLESS_GITHUB_REPOSITORY: 'not-a-repo' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KEYLESS_GITHUB_REPOSITORY');
    expect(result.stderr).not.toContain('not-a-repo');
  });
});
