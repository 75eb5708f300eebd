// The CLI as a user runs it: a child process of the repository's own Node, from another directory,
// on a trail written by the gate's writer, with the acknowledgements file given by the test.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessReport } from '../../src/access-report/access-report.ts';
import type { Acknowledgement } from '../../src/access-report/acknowledgements.ts';
import { grantsOf } from '../../src/access-report/grants.ts';
import { localIamModel } from '../../src/access-report/local-model.ts';
import { usageOf } from '../../src/access-report/usage.ts';
import { createTrailWriter } from '../../src/trail/trail-writer.ts';
import { account, fixtureTrail, region, table } from './access-fixtures.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const node = join(repoRoot, 'node_modules/.bin/node');
const cli = join(repoRoot, 'local/permission-gate/src/access-report/access-report-cli.ts');
const reason = 'exercised only on AWS, never by the local demo or the tests';

let dir: string;
let trailDir: string;
let allAcknowledged: string;
let staleAcknowledged: string;
let noAcknowledgements: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-access-cli-'));
  trailDir = join(dir, 'trail');
  // Two days: the report reads every file of the directory.
  const records = fixtureTrail();
  const first = createTrailWriter({ file: join(trailDir, '2026-02-28.jsonl') });
  records.slice(0, 3).forEach((record) => first.append(record));
  await first.close();
  const second = createTrailWriter({ file: join(trailDir, '2026-03-01.jsonl') });
  records.slice(3).forEach((record) => second.append(record));
  await second.close();

  const unused = accessReport(
    await grantsOf(localIamModel({ accountId: account, region })),
    usageOf(records),
  ).unacknowledged;
  const acknowledgements: Acknowledgement[] = unused.map((grant) => ({
    role: grant.role,
    sid: grant.sid,
    action: grant.action,
    resource: grant.resource,
    reason,
  }));
  allAcknowledged = join(dir, 'all.json');
  await writeFile(allAcknowledged, JSON.stringify(acknowledgements));
  staleAcknowledged = join(dir, 'stale.json');
  await writeFile(
    staleAcknowledged,
    JSON.stringify([...acknowledgements, { role: 'api', sid: 'Removed', action: 'dynamodb:Scan', reason }]),
  );
  noAcknowledgements = join(dir, 'none.json');
  await writeFile(noAcknowledgements, '[]');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function report(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(node, [cli, ...args], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, KEYLESS_TRAIL_DIR: trailDir, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run access-report', () => {
  it('prints a table per role: each grant used (by which calls) or UNUSED, and the denied calls', () => {
    const { status, stdout } = report(['--acknowledgements', noAcknowledgements]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^api: 3 used, 3 unused, 0 acknowledged, 1 denied call\(s\)$/m);
    expect(stdout).toMatch(
      /^ {2}UploadsTable +dynamodb:GetItem +arn:\S+:table\/uploads +used 2× by dynamodb:GetItem ×2$/m,
    );
    expect(stdout).toMatch(/^ {2}UploadsTable +dynamodb:Query +arn:\S+:table\/uploads +UNUSED$/m);
    expect(stdout).toMatch(
      /^ {2}FindLatestReport +s3:ListBucket +arn:aws:s3:::keyless-files \[if\] +UNUSED$/m,
    );
    expect(stdout).toMatch(
      /^ {4}2026-03-01T10:05:00Z +api\/api-1 +s3:GetObject +arn:aws:s3:::keyless-files\/incoming\/u-1 +AccessDenied$/m,
    );
    expect(stdout).toMatch(
      /^ {2}ReadUploads +s3:GetObject .* used 2× by s3:GetObject ×1, s3:HeadObject ×1$/m,
    );
  });

  it('--check exits 1 naming every unused grant without an acknowledgement', () => {
    const { status, stdout } = report(['--check', '--acknowledgements', noAcknowledgements]);
    expect(status).toBe(1);
    expect(stdout).toContain('grant(s) no call used, without an acknowledgement');
    expect(stdout).toContain(`  api UploadsTable dynamodb:Query ${table}`);
    expect(stdout).toContain('  diff ReadKeylessStacks cloudformation:GetTemplate');
  });

  it('--check exits 0 when every unused grant is acknowledged, and shows the reasons', () => {
    const { status, stdout } = report(['--check', '--acknowledgements', allAcknowledged]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/dynamodb:Query .* acknowledged: exercised only on AWS/);
    expect(stdout).toContain('every grant is used or acknowledged');
  });

  it('--check exits 1 on a stale acknowledgement', () => {
    const { status, stdout } = report(['--check', '--acknowledgements', staleAcknowledged]);
    expect(status).toBe(1);
    expect(stdout).toContain(
      '1 acknowledgement(s) that match no grant of the model (stale: remove them):\n  api Removed dynamodb:Scan',
    );
  });

  it('--json prints the report; with --check the failures go to stderr', () => {
    const { status, stdout, stderr } = report([
      '--json',
      '--check',
      '--trail',
      join(trailDir, '2026-03-01.jsonl'),
      '--acknowledgements',
      noAcknowledgements,
    ]);
    expect(status).toBe(1);
    const parsed = JSON.parse(stdout) as { roles: { role: string }[]; ok: boolean };
    expect(parsed.ok).toBe(false);
    expect(parsed.roles.map((role) => role.role)).toEqual([
      'api',
      'upload-processor',
      'ledger-worker',
      'usage-reporter',
      'deploy',
      'diff',
      'developer',
      'operator',
    ]);
    // Only the second day: the api's calls of the first are not in it.
    expect(stderr).toContain(`unused and not acknowledged: api UploadsTable dynamodb:GetItem ${table}`);
  });

  it('the checked-in acknowledgements are valid', () => {
    const { status, stderr } = report([]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('exits 1 on invalid acknowledgements, naming the problem', async () => {
    const invalid = join(dir, 'invalid.json');
    await writeFile(
      invalid,
      JSON.stringify([{ role: 'api', sid: 'UploadsTable', action: 'dynamodb:Query', reason: 'short' }]),
    );
    const { status, stderr } = report(['--acknowledgements', invalid]);
    expect(status).toBe(1);
    expect(stderr).toContain('[0.reason] a reason says why the grant stays');
  });

  it('exits 2 with the usage on unknown flags, a flag without its value, and a --trail that does not exist', () => {
    for (const args of [['--verbose'], ['--trail'], ['--trail', join(dir, 'missing')], ['extra']]) {
      const { status, stderr } = report(args);
      expect(status, args.join(' ')).toBe(2);
      expect(stderr).toContain('usage: npm run access-report');
    }
  });

  it('exits 1 when there is no trail yet', () => {
    const { status, stderr } = report([], { KEYLESS_TRAIL_DIR: join(dir, 'nothing-here') });
    expect(status).toBe(1);
    expect(stderr).toContain('no trail records at');
  });
});
