import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, describe, expect, test } from 'vitest';
import { connectedSpans, readSpans } from '../src/trace-tree.ts';
import { cli, startCli } from './support/running-cli.ts';

const accessReportCli = join(
  import.meta.dirname,
  '../../permission-gate/src/access-report/access-report-cli.ts',
);

const workDir = mkdtempSync(join(tmpdir(), 'keyless-cli-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('npm start', () => {
  test(
    'comes up, runs the rehearsal and the demo, and stops cleanly on Ctrl-C to its process group',
    { timeout: 240_000 },
    async () => {
      const running = await startCli(workDir);
      const file = running.platformFile;
      const output = running.output;
      const { platform } = running;
      expect(platform).toMatchObject({ version: 1, region: 'eu-west-1', accountId: '123456789012' });
      expect(platform.resources.names).toMatchObject({ bucket: 'keyless-files', uploadsTable: 'uploads' });
      expect(platform.resources.userDirectory.users.map((u: { username: string }) => u.username)).toEqual([
        'demo',
        'admin',
      ]);
      expect(platform.emulator).toMatchObject({ name: 'moto', healthUrl: expect.stringMatching(/^http:/) });
      expect((await fetch(platform.emulator?.healthUrl ?? '')).ok).toBe(true);
      expect(readFileSync(platform.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8')).toMatch(/^ey/);
      const discovery = await fetch(`${platform.identity.issuers.eks}/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(platform.identity.issuers.eks);
      await sleep(200);
      expect(output()).toContain(platform.endpoints.aws);

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
      expect(demo.stdout.match(/✔/g)).toHaveLength(16);

      // Least privilege from traffic: every grant of the model was used by this run, or is
      // acknowledged with a reason (local/permission-gate/access-acknowledgements.json).
      const report = spawnSync(
        process.execPath,
        [accessReportCli, '--trail', join(workDir, 'trail'), '--check'],
        {
          env: { PATH: process.env.PATH },
          encoding: 'utf8',
        },
      );
      expect(report.status, report.stdout + report.stderr).toBe(0);

      // The trace of the upload crosses every hop, including the two asynchronous ones.
      const spans = readSpans(platform.tracesFile ?? '');
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

      const { pids, clusterDirs } = running.tree();
      // emulator, PostgreSQL, ledger-worker, two api tasks, at least one warm Lambda environment, the watchdog
      expect(pids.length).toBeGreaterThanOrEqual(7);
      expect(clusterDirs).toHaveLength(1);

      // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
      process.kill(-(running.child.pid ?? 0), 'SIGINT');
      expect(await running.exitCode).toBe(0);
      expect(await waitUntilGone(pids, 10_000)).toEqual([]);
      expect(existsSync(file)).toBe(false);
      expect(clusterDirs.filter((dir) => existsSync(dir))).toEqual([]);
      expect(output()).not.toMatch(/\n\s+at /);
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
