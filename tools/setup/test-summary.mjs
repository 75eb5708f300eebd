// Adds up the Vitest JSON reports of every project into one honest account: a file whose set-up
// failed counts as failed (with each test it kept from running), skipped tests are listed apart,
// tests not applicable on the emulator they were asked to run on (a block titled `not applicable
// on <emulator>: <reason>`, from @keyless/testing/emulator-suite) are counted apart from both with
// the reason, and a project whose tests produced no report at all is a failure too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The title of a block whose emulator lacks what its tests need (tools/testing/src/emulator-suite.ts). */
export const notApplicableOn = 'not applicable on ';

/** The not-applicable block a test is in, if any: its title. */
export const notApplicableTitle = (test) =>
  (test.ancestorTitles ?? []).find((title) => title.startsWith(notApplicableOn));

/** The per-emulator test targets: `test-<emulator>`, each reporting to `<project>-<emulator>.json`. */
export const emulatorTargets = ['test-ministack', 'test-localstack'];

/**
 * The per-backend test targets: `test-containers` (a project's integration suites on the harness's
 * container backend, vitest.containers.ts), reporting to `<project>-containers.json`, and
 * `test-kubernetes` (suites on the local Kubernetes control plane, local/kubernetes), reporting to
 * `<project>-kubernetes.json`.
 */
export const backendTargets = ['test-containers', 'test-kubernetes'];

/**
 * Why a skipped test did not run: what its name (or its block's) says after `not run: ` (the
 * container suites and the compose system without an engine), else that the test code skips it.
 */
export function skipReason(test) {
  const named = [test.title, ...(test.ancestorTitles ?? [])].find((title) => title?.includes('not run: '));
  if (named) return named.slice(named.indexOf('not run: '));
  return test.status === 'todo' ? 'marked todo' : 'skipped in the test code';
}

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
  /** @type {{ passed: number, failed: number, skipped: number, notApplicable: number, failures: string[], skips: string[], notApplicables: string[] }} */
  const summary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    notApplicable: 0,
    failures: [],
    skips: [],
    notApplicables: [],
  };
  for (const project of projects) {
    const file = join(reportDir, `${project}.json`);
    if (!existsSync(file)) {
      summary.failed += 1;
      summary.failures.push(`${project}: its tests did not run or wrote no report (see the output above)`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    // Errors outside every test (vitest.unhandled-errors.ts): the run failed though no test did.
    const unhandled = join(reportDir, `${project}.unhandled.json`);
    for (const error of existsSync(unhandled) ? JSON.parse(readFileSync(unhandled, 'utf8')) : []) {
      summary.failed += 1;
      summary.failures.push(
        `${project}: an unhandled error outside its tests: ${error.name}: ${firstLine(error.message)}`,
      );
    }
    for (const result of report.testResults) {
      const where = `${project} ${relative(root, result.name)}`;
      // A message on the file itself: it failed outside any one test (a hook, an import).
      const fileError = result.status === 'failed' && result.message ? firstLine(result.message) : undefined;
      if (fileError) summary.failures.push(`${where}: ${fileError}`);
      if (fileError && result.assertionResults.length === 0) summary.failed += 1;
      /** Per reason, how many of this file's tests were not applicable. */
      const notApplicable = new Map();
      for (const test of result.assertionResults) {
        const name = `${where} > ${test.fullName ?? test.title}`;
        if (test.status === 'passed') summary.passed += 1;
        else if (test.status === 'failed') {
          summary.failed += 1;
          summary.failures.push(`${name}: ${firstLine(test.failureMessages?.[0])}`);
        } else if (fileError) {
          // Kept from running by its file's failure: a failure, not a skip.
          summary.failed += 1;
        } else if (notApplicableTitle(test)) {
          summary.notApplicable += 1;
          const title = notApplicableTitle(test);
          notApplicable.set(title, (notApplicable.get(title) ?? 0) + 1);
        } else {
          summary.skipped += 1;
          summary.skips.push(`${name}: ${skipReason(test)}`);
        }
      }
      for (const [title, count] of notApplicable) {
        summary.notApplicables.push(`${where}: ${title} (${count} ${count === 1 ? 'test' : 'tests'})`);
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
  if (summary.notApplicables.length > 0) {
    lines.push('', 'not applicable:', ...summary.notApplicables.map((line) => `  ${line}`));
  }
  // CI reads the last line in its plain form (`N passed, N failed, N skipped`), so what is not
  // applicable is counted on the line before it.
  lines.push(
    '',
    `not applicable on their emulator: ${summary.notApplicable} tests`,
    `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`,
  );
  return lines.join('\n');
}

/**
 * The reports expected after a full run: `<project>` for every project with a `test` target, and
 * `<project>-<emulator>` for each of its per-emulator targets.
 */
export function projectsWithTests(root) {
  const projects = [];
  for (const group of ['apps', 'libs', 'local', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'project.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const project = JSON.parse(readFileSync(file, 'utf8'));
      if (project.targets?.test) projects.push(project.name);
      for (const target of [...emulatorTargets, ...backendTargets]) {
        if (project.targets?.[target]) projects.push(`${project.name}-${target.slice('test-'.length)}`);
      }
    }
  }
  return projects.sort();
}
