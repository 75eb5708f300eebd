import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatSummary, projectsWithTests, summarizeReports } from '../test-summary.mjs';

// A real Vitest JSON report of four files: set-up (beforeAll) failed; one pass, one skip, one todo,
// one failure; an import that does not resolve.
const fixture = join(import.meta.dirname, 'fixtures/reports/broken.json');

function reportDirWith(project: string, from = fixture): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  copyFileSync(from, join(dir, `${project}.json`));
  return dir;
}

// Real Vitest JSON reports of fixtures/emulator-suites/emulators.suite.ts (two emulatorSuite blocks:
// one needing DynamoDB and SQS, one S3) run with KEYLESS_EMULATOR=localstack and =ministack.
const onLocalstack = join(import.meta.dirname, 'fixtures/emulator-suites/demo-localstack.json');
const onMinistack = join(import.meta.dirname, 'fixtures/emulator-suites/demo-ministack.json');

test('a file whose set-up failed is a failure, and so is each test it kept from running', () => {
  const summary = summarizeReports(reportDirWith('broken'), ['broken'], '/repo');
  // 2 kept from running by beforeAll + 1 assertion + 1 file that could not be imported.
  expect(summary.failed).toBe(4);
  expect(summary.passed).toBe(1);
  expect(summary.skipped).toBe(2);
  expect(summary.failures).toContain('broken apps/broken/test/a.test.ts: setup broke');
  expect(summary.failures.some((line) => line.includes('c.test.ts: Cannot find module'))).toBe(true);
});

test('skipped tests are listed apart, with the reason', () => {
  const summary = summarizeReports(reportDirWith('broken'), ['broken'], '/repo');
  expect(summary.skips).toEqual([
    'broken apps/broken/test/b.test.ts > skipped on purpose: skipped in the test code',
    'broken apps/broken/test/b.test.ts > later: marked todo',
  ]);
});

test('a project that wrote no report is a failure', () => {
  const summary = summarizeReports(reportDirWith('broken'), ['broken', 'silent'], '/repo');
  expect(summary.failures).toContain(
    'silent: its tests did not run or wrote no report (see the output above)',
  );
  expect(summary.failed).toBe(5);
});

test('the last line is the one CI reads', () => {
  const text = formatSummary(summarizeReports(reportDirWith('broken'), ['broken'], '/repo'));
  expect(text.split('\n').slice(-2)).toEqual([
    'not applicable on their emulator: 0 tests',
    'tests: 1 passed, 4 failed, 2 skipped',
  ]);
});

test('tests not applicable on their emulator are counted apart from passed and skipped, with the reason', () => {
  const summary = summarizeReports(
    reportDirWith('demo-localstack', onLocalstack),
    ['demo-localstack'],
    '/repo',
  );
  expect(summary).toMatchObject({ passed: 2, failed: 0, skipped: 0, notApplicable: 2 });
  expect(summary.skips).toEqual([]);
  expect(summary.notApplicables).toEqual([
    'demo-localstack tools/setup/test/fixtures/emulator-suites/emulators.suite.ts: not applicable on localstack: ' +
      'lacks DynamoDB tables: LocalStack core serves DynamoDB only through DynamoDB Local (Java, under a ' +
      'licence that is not OSI-approved), so it is left out (2 tests)',
  ]);
  const lines = formatSummary(summary).split('\n');
  expect(lines.slice(-5, -3)).toEqual(['not applicable:', `  ${summary.notApplicables[0]}`]);
  expect(lines.slice(-2)).toEqual([
    'not applicable on their emulator: 2 tests',
    'tests: 2 passed, 0 failed, 0 skipped',
  ]);
});

test('on an emulator that has what a block needs, its tests pass and fail as any', () => {
  const summary = summarizeReports(reportDirWith('demo-ministack', onMinistack), ['demo-ministack'], '/repo');
  expect(summary).toMatchObject({ passed: 3, failed: 1, skipped: 0, notApplicable: 0 });
  expect(summary.failures).toEqual([
    expect.stringMatching(/^demo-ministack .*emulators\.suite\.ts > on ministack a key: AssertionError/),
  ]);
});

test('every project with a test target is expected to report, and each per-emulator target of it', () => {
  const projects = projectsWithTests(join(import.meta.dirname, '../../..'));
  expect(projects).toEqual(expect.arrayContaining(['api', 'setup', 'owned-process', 'local-platform']));
  expect(projects).toEqual(
    expect.arrayContaining(['ledger-worker', 'ledger-worker-ministack', 'ledger-worker-localstack']),
  );
  expect(projects).not.toContain('setup-ministack');
});

test('an error outside every test (the run exits 1, the JSON report shows no failure) is counted and named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  const fixtureDir = join(import.meta.dirname, 'fixtures/unhandled');
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, '../../../node_modules/vitest/vitest.mjs'), 'run'],
    {
      cwd: fixtureDir,
      env: { ...process.env, KEYLESS_TEST_REPORT_DIR: dir },
      encoding: 'utf8',
    },
  );
  expect(run.status, run.stdout + run.stderr).toBe(1);
  const summary = summarizeReports(dir, ['late'], '/repo');
  expect(summary.passed).toBe(1);
  expect(summary.failed).toBe(1);
  expect(summary.failures).toEqual([
    'late: an unhandled error outside its tests: Error: the pool emitted 57P01 after the test',
  ]);
});
