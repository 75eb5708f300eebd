// The CLI as a user runs it: a child process of the repository's own Node, on a trail written by
// the writer, with KEYLESS_TRAIL_DIR pointing its default at a directory of the test's own.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/trail/cloudtrail-record.ts';
import { createTrailWriter } from '../../src/trail/trail-writer.ts';
import { fixtureRecords } from './trail-fixtures.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const node = join(repoRoot, 'node_modules/.bin/node');
const cli = join(repoRoot, 'local/permission-gate/src/trail/trail-cli.ts');

let dir: string;
let trailDir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-trail-cli-'));
  trailDir = join(dir, 'trail');
  file = join(trailDir, '2026-03-01.jsonl');
  // An older day that must not be the default.
  const older = createTrailWriter({ file: join(trailDir, '2026-02-28.jsonl') });
  older.append({ ...(fixtureRecords()[0] as CloudTrailRecord), eventTime: '2026-02-28T10:00:00Z' });
  await older.close();
  const writer = createTrailWriter({ file });
  for (const record of fixtureRecords()) writer.append(record);
  await writer.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function trail(args: string[], env: Record<string, string> = { KEYLESS_TRAIL_DIR: trailDir }) {
  // From another directory: the CLI must not depend on where it is run.
  const result = spawnSync(node, [cli, ...args], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const lines = result.stdout.split('\n').filter(Boolean);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines };
}

describe('npm run trail', () => {
  it('prints one line per record of the newest trail file: time, caller, action, resource, outcome', () => {
    const { status, lines } = trail([]);
    expect(status).toBe(0);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(
      /^2026-03-01T10:00:00Z +keyless-api\/api-task-1 +s3:GetObject +arn:aws:s3:::keyless-files\/uploads\/a\.txt +ALLOWED$/,
    );
    expect(lines[1]).toMatch(/keyless-api\/api-task-1 +sqs:DeleteMessage +uploads +DENIED AccessDenied$/);
    expect(lines[2]).toMatch(
      /web:token\.actions\.githubusercontent\.com\/repo:keyless\/keyless:ref:refs\/heads\/main +sts:AssumeRoleWithWebIdentity +arn:aws:iam::000000000000:role\/keyless-deploy +ALLOWED$/,
    );
    expect(lines[3]).toMatch(/s3:GetObject .* ALLOWED upstream NoSuchKey$/);
  });

  it('--denied shows only what was refused', () => {
    const { status, lines } = trail(['--denied']);
    expect(status).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('sqs:DeleteMessage');
    expect(lines[1]).toMatch(
      /keyless-worker\/worker-1 +dynamodb:PutItem +ledger-events +DENIED AccessDeniedException$/,
    );
  });

  it('--role matches a role name, a session and the role an STS call asks for', () => {
    expect(trail(['--role', 'keyless-worker']).lines).toHaveLength(2);
    expect(trail(['--role', 'KEYLESS-API']).lines).toHaveLength(3);
    expect(trail(['--role', 'keyless-api/api-task-1']).lines).toHaveLength(3);
    expect(trail(['--role', 'arn:aws:iam::000000000000:role/keyless-deploy']).lines).toHaveLength(1);
    expect(trail(['--role', 'nobody']).lines).toHaveLength(0);
  });

  it('--service and --action narrow by service and operation', () => {
    expect(trail(['--service', 's3']).lines).toHaveLength(2);
    expect(trail(['--service', 'sqs.amazonaws.com']).lines).toHaveLength(2);
    expect(trail(['--action', 's3:GetObject']).lines).toHaveLength(2);
    expect(trail(['--action', 'sqs:GetObject']).lines).toHaveLength(0);
    expect(trail(['--action', 'DeleteMessage']).lines).toHaveLength(1);
    expect(trail(['--service', 'sqs', '--denied', '--role', 'keyless-api']).lines).toHaveLength(1);
  });

  it('--since takes an ISO time', () => {
    const { lines } = trail(['--since', '2026-03-01T10:15:00Z']);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('NoSuchKey');
  });

  it('--since takes a duration back from now', async () => {
    const recent = join(dir, 'recent.jsonl');
    const now = Date.now();
    const writer = createTrailWriter({ file: recent });
    for (const [index, minutesAgo] of [120, 30, 5].entries()) {
      const eventTime = new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      writer.append({ ...(fixtureRecords()[index] as CloudTrailRecord), eventTime });
    }
    await writer.close();
    expect(trail(['--file', recent, '--since', '10m']).lines).toHaveLength(1);
    expect(trail(['--file', recent, '--since', '1h']).lines).toHaveLength(2);
    expect(trail(['--file', recent, '--since', '1d']).lines).toHaveLength(3);
  });

  it('--json prints the records themselves, one per line', () => {
    const { status, lines } = trail(['--json', '--denied']);
    expect(status).toBe(0);
    const records = lines.map((line) => JSON.parse(line) as CloudTrailRecord);
    expect(records.map((record) => record.errorCode)).toEqual(['AccessDenied', 'AccessDeniedException']);
    expect(records[0]).toMatchObject({ eventVersion: '1.11', eventType: 'AwsApiCall' });
  });

  it('--file reads a given file, or every file of a directory', () => {
    expect(trail(['--file', join(trailDir, '2026-02-28.jsonl')]).lines).toHaveLength(1);
    expect(trail(['--file', trailDir]).lines).toHaveLength(7);
  });

  it('skips a line cut short and says so', async () => {
    const torn = join(dir, 'torn.jsonl');
    await writeFile(torn, JSON.stringify(fixtureRecords()[0]) + '\n{"eventVersion":"1.11","userId');
    const { status, lines, stderr } = trail(['--file', torn]);
    expect(status).toBe(0);
    expect(lines).toHaveLength(1);
    expect(stderr).toContain('skipped 1 line');
  });

  it.each([
    [['--rol', 'x'], "'--rol'"],
    [['--since', 'yesterday'], '--since yesterday'],
    [['--since'], '--since'],
    [['--action', 's3:Get Object'], '--action'],
    [['--service', 'not a service'], '--service'],
    [['--role', ''], '--role'],
    [['stray'], "'stray'"],
  ])('refuses %j with a usage message naming the flag and exit code 2', (args, named) => {
    const { status, stdout, stderr } = trail(args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(named);
    expect(stderr).toContain('usage: npm run trail --');
  });

  it('says how to get a trail when there is none yet, with exit code 1', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    for (const result of [
      trail([], { KEYLESS_TRAIL_DIR: join(dir, 'missing') }),
      trail([], { KEYLESS_TRAIL_DIR: empty }),
      trail(['--file', join(dir, 'missing.jsonl')]),
      trail(['--file', empty]),
    ]) {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('start the system with npm start; the gate records every call');
    }
  });
});
