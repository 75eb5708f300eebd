// Adds up the Vitest JSON reports of every project into one honest account: a file whose set-up
// failed counts as failed (with each test it kept from running), skipped tests are listed apart,
// and a project whose tests produced no report at all is a failure too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const firstLine = (text) =>
  String(text ?? '')
    .split('\n')[0]
    .slice(0, 300);

/**
 * @param {string} reportDir where each project wrote `<project>.json`
 * @param {string[]} projects the projects whose tests were meant to run
 * @param {string} root paths are shown relative to it
 */
export function summarizeReports(reportDir, projects, root) {
  /** @type {{ passed: number, failed: number, skipped: number, failures: string[], skips: string[] }} */
  const summary = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  for (const project of projects) {
    const file = join(reportDir, `${project}.json`);
    if (!existsSync(file)) {
      summary.failed += 1;
      summary.failures.push(`${project}: its tests did not run or wrote no report (see the output above)`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const result of report.testResults) {
      const where = `${project} ${relative(root, result.name)}`;
      // A message on the file itself: it failed outside any one test (a hook, an import).
      const fileError = result.status === 'failed' && result.message ? firstLine(result.message) : undefined;
      if (fileError) summary.failures.push(`${where}: ${fileError}`);
      if (fileError && result.assertionResults.length === 0) summary.failed += 1;
      for (const test of result.assertionResults) {
        const name = `${where} > ${test.fullName ?? test.title}`;
        if (test.status === 'passed') summary.passed += 1;
        else if (test.status === 'failed') {
          summary.failed += 1;
          summary.failures.push(`${name}: ${firstLine(test.failureMessages?.[0])}`);
        } else if (fileError) {
          // Kept from running by its file's failure: a failure, not a skip.
          summary.failed += 1;
        } else {
          summary.skipped += 1;
          summary.skips.push(
            `${name}: ${test.status === 'todo' ? 'marked todo' : 'skipped in the test code'}`,
          );
        }
      }
    }
  }
  return summary;
}

/** The lines printed at the end of `npm test`; the last one is what CI reads. */
export function formatSummary(summary) {
  const lines = [];
  if (summary.failures.length > 0) lines.push('', 'failed:', ...summary.failures.map((line) => `  ${line}`));
  if (summary.skips.length > 0) lines.push('', 'skipped:', ...summary.skips.map((line) => `  ${line}`));
  lines.push('', `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  return lines.join('\n');
}

/** Every project with a `test` target: the reports expected after a full run. */
export function projectsWithTests(root) {
  const projects = [];
  for (const group of ['apps', 'libs', 'local', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'project.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const project = JSON.parse(readFileSync(file, 'utf8'));
      if (project.targets?.test) projects.push(project.name);
    }
  }
  return projects.sort();
}
