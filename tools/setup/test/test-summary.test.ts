import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatSummary, projectsWithTests, summarizeReports } from '../test-summary.mjs';

// A real Vitest JSON report of four files: set-up (beforeAll) failed; one pass, one skip, one todo,
// one failure; an import that does not resolve.
const fixture = join(import.meta.dirname, 'fixtures/reports/broken.json');

function reportDirWith(project: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  copyFileSync(fixture, join(dir, `${project}.json`));
  return dir;
}

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
  expect(text.split('\n').at(-1)).toBe('tests: 1 passed, 4 failed, 2 skipped');
});

test('every project with a test target is expected to report', () => {
  const projects = projectsWithTests(join(import.meta.dirname, '../../..'));
  expect(projects).toEqual(expect.arrayContaining(['api', 'setup', 'owned-process', 'local-platform']));
});
