#!/usr/bin/env node
// `npm test`: first the prerequisites every suite needs (PostgreSQL and the emulator start here, a
// loopback port is free), failing in seconds with the cause; then licence check, formatting, lint, typecheck
// and every project's tests through Nx; then one account added up from the Vitest JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorTable, writeEmulatorTable } from './emulator-table.mjs';
import {
  backendTargets,
  emulatorTargets,
  formatSummary,
  projectsWithTests,
  summarizeReports,
} from './test-summary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const reportDir = join(root, '.local', 'test-results');
const node24 = join(root, 'node_modules', '.bin', 'node');
const forwarded = process.argv.slice(2);

const prerequisites = spawnSync(node24, [join(root, 'local', 'platform', 'bin', 'check-prerequisites.ts')], {
  cwd: root,
  stdio: 'inherit',
});
if (prerequisites.status !== 0) process.exit(1);
// Only now: a run that stops at the prerequisites (a test of them runs one) keeps the reports it found.
rmSync(reportDir, { recursive: true, force: true });

const nx = spawnSync(
  join(root, 'node_modules', '.bin', 'nx'),
  [
    'run-many',
    '-t',
    'licenses',
    'format',
    'lint',
    'typecheck',
    'test',
    // The emulator suites again on each other emulator (docs/emulators.md): `<project>-<emulator>.json`.
    ...emulatorTargets,
    // The integration suites again on the container backend, where an engine answers (vitest.containers.ts).
    ...backendTargets,
    '--outputStyle=stream',
    // CI must prove the code as committed: Nx keeps a machine-wide cache (~/.nx), never replay it there.
    ...(process.env.CI ? ['--skip-nx-cache'] : []),
    ...forwarded,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KEYLESS_TEST_REPORT_DIR: reportDir, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  },
);

// Narrowed by arguments (`npm test -- -p api`), only the reports written can be counted.
const written = existsSync(reportDir)
  ? readdirSync(reportDir)
      .filter((name) => name.endsWith('.json') && !name.endsWith('.unhandled.json'))
      .map((name) => basename(name, '.json'))
  : [];
const summary = summarizeReports(reportDir, forwarded.length > 0 ? written : projectsWithTests(root), root);
// The suite × emulator table; only a whole run writes it into docs/emulators.md.
const table =
  forwarded.length === 0 ? writeEmulatorTable({ root, reportDir }) : emulatorTable(root, reportDir);
console.log(
  [
    '',
    `suites × emulators${table.file ? ` (written to ${table.file})` : ''}:`,
    ...table.lines,
    ...table.counts,
  ].join('\n'),
);
// A check that is no test (licences, format, lint, typecheck) fails the run without a failed test:
// say so here, or the account below would read as a pass.
if (nx.status !== 0 && summary.failed === 0) {
  console.log('\na check other than the tests failed: see Nx\'s "Failed tasks" above');
}
console.log(formatSummary(summary));
process.exit(nx.status === 0 && summary.failed === 0 ? 0 : 1);
