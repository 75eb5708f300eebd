// Suites that cannot run here without a container engine (the compose system, the container
// backend's suites) are counted as skipped with the reason their name gives, never as passed, and
// `npm test` expects the report of every per-backend target.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatSummary, projectsWithTests, skipReason, summarizeReports } from '../test-summary.mjs';

const root = join(import.meta.dirname, '../../..');

const report = (assertionResults: object[]) => ({
  testResults: [
    { name: '/repo/local/compose/test/compose-system.test.ts', status: 'passed', assertionResults },
  ],
});

test('a test skipped for want of an engine is listed with that reason, and counted as skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'not-run-'));
  const title =
    'docker compose up, demo, down — not run: no container engine (no container engine answering)';
  writeFileSync(
    join(dir, 'compose.json'),
    JSON.stringify(report([{ title, fullName: title, ancestorTitles: [], status: 'skipped' }])),
  );
  const summary = summarizeReports(dir, ['compose'], '/repo');
  expect(summary).toMatchObject({ passed: 0, failed: 0, skipped: 1 });
  expect(summary.skips).toEqual([
    `compose local/compose/test/compose-system.test.ts > ${title}: not run: no container engine (no container engine answering)`,
  ]);
  expect(formatSummary(summary)).toContain('skipped:\n  compose ');
});

test('the reason comes from the test or its block; otherwise the test code skipped it', () => {
  expect(
    skipReason({ title: 'x', ancestorTitles: ['suites — not run: no container engine'], status: 'skipped' }),
  ).toBe('not run: no container engine');
  expect(skipReason({ title: 'x', ancestorTitles: [], status: 'skipped' })).toBe('skipped in the test code');
  expect(skipReason({ title: 'x', ancestorTitles: [], status: 'todo' })).toBe('marked todo');
});

test('the container-backend runs of ledger-worker and usage-reporter are expected to report', () => {
  expect(projectsWithTests(root)).toEqual(
    expect.arrayContaining(['ledger-worker-containers', 'usage-reporter-containers', 'compose']),
  );
});
