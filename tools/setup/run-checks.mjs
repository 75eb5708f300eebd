#!/usr/bin/env node
// `npm test`: licence check, lint, typecheck and every project's tests through Nx, then one
// summary line added up from the Vitest JSON reports of all projects.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const reportDir = join(root, '.local', 'test-results');
rmSync(reportDir, { recursive: true, force: true });

const nx = spawnSync(
  join(root, 'node_modules', '.bin', 'nx'),
  [
    'run-many',
    '-t',
    'licenses',
    'lint',
    'typecheck',
    'test',
    '--outputStyle=stream',
    // CI must prove the code as committed: Nx keeps a machine-wide cache (~/.nx), never replay it there.
    ...(process.env.CI ? ['--skip-nx-cache'] : []),
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KEYLESS_TEST_REPORT_DIR: reportDir, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  },
);

const totals = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(reportDir)) {
  for (const file of readdirSync(reportDir).filter((name) => name.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(nx.status ?? 1);
