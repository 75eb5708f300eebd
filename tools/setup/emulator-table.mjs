#!/usr/bin/env node
// The suite × emulator table of docs/emulators.md, written from the Vitest JSON reports of the
// last `npm test` (run-checks.mjs calls writeEmulatorTable after the run). A suite is a project;
// its cell on an emulator counts the tests that ran in a block titled `on <emulator>` (passed,
// failed) and those reported `not applicable on <emulator>: <reason>`, with the reasons listed
// under the table. Tests outside such blocks (unit tests) talk to no emulator and are not counted.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notApplicableOn } from './test-summary.mjs';

export const emulatorColumns = [
  { emulator: 'moto', title: 'moto' },
  { emulator: 'ministack', title: 'ministack' },
  { emulator: 'localstack', title: 'LocalStack core' },
];
const emulatorNames = emulatorColumns.map((column) => column.emulator);

export const tableStart =
  '<!-- suite-table: written by tools/setup/emulator-table.mjs from the reports of the last npm test; do not edit -->';
export const tableEnd = '<!-- /suite-table -->';

/** @typedef {{ passed: number, failed: number, notApplicable: number, reasons: string[] }} Cell */

const emptyCell = () => ({ passed: 0, failed: 0, notApplicable: 0, reasons: [] });

/**
 * The emulator and, if not applicable there, the reason, from a test's enclosing block titles (a
 * block not applicable inside one that runs makes its tests not applicable).
 */
function blockOf(test) {
  const titles = test.ancestorTitles ?? [];
  for (const title of titles.filter((candidate) => candidate.startsWith(notApplicableOn))) {
    const rest = title.slice(notApplicableOn.length);
    const emulator = rest.slice(0, rest.indexOf(':'));
    if (emulatorNames.includes(emulator)) return { emulator, reason: rest.slice(emulator.length + 2) };
  }
  for (const title of titles) {
    const on = /^on (\w+)$/.exec(title);
    if (on && emulatorNames.includes(on[1])) return { emulator: on[1] };
  }
  return undefined;
}

/**
 * The report files in `reportDir` of the suites in `projects` (`<project>.json` and
 * `<project>-<emulator>.json`): `{ project, emulator }` per file, emulator undefined for the
 * project's own `test` run (whose blocks say which emulator it ran on).
 */
function reportsOf(reportDir, projects) {
  if (!existsSync(reportDir)) return [];
  return readdirSync(reportDir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      const stem = basename(name, '.json');
      if (projects.includes(stem)) return [{ project: stem, file: join(reportDir, name) }];
      const emulator = emulatorNames.find((candidate) => stem.endsWith(`-${candidate}`));
      const project = emulator && stem.slice(0, -emulator.length - 1);
      return project && projects.includes(project)
        ? [{ project, emulator, file: join(reportDir, name) }]
        : [];
    });
}

/**
 * Per project, per emulator, what its emulator suites did. `projects` are the suites to show
 * (projects without a block `on <emulator>` in any report are left out); a file that failed
 * outside its tests in a per-emulator run counts as one failure there.
 * @returns {Map<string, Map<string, Cell>>}
 */
export function collectCells(reportDir, projects) {
  /** @type {Map<string, Map<string, Cell>>} */
  const rows = new Map();
  const cell = (project, emulator) => {
    if (!rows.has(project)) rows.set(project, new Map());
    const row = rows.get(project);
    if (!row.has(emulator)) row.set(emulator, emptyCell());
    return row.get(emulator);
  };
  for (const { project, emulator: runOn, file } of reportsOf(reportDir, projects)) {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const result of report.testResults) {
      const fileFailed = result.status === 'failed' && Boolean(result.message);
      if (fileFailed && result.assertionResults.length === 0 && runOn) cell(project, runOn).failed += 1;
      for (const test of result.assertionResults) {
        const block = blockOf(test);
        if (!block) continue;
        const counts = cell(project, block.emulator);
        if (block.reason !== undefined) {
          counts.notApplicable += 1;
          if (!counts.reasons.includes(block.reason)) counts.reasons.push(block.reason);
        } else if (test.status === 'passed') counts.passed += 1;
        else if (test.status === 'failed' || fileFailed) counts.failed += 1;
      }
    }
  }
  return rows;
}

function cellText(counts, footnotes) {
  if (!counts) return 'not run';
  const parts = [];
  if (counts.passed > 0 || (counts.failed === 0 && counts.notApplicable === 0))
    parts.push(`${counts.passed} passed`);
  if (counts.failed > 0) parts.push(`**${counts.failed} failed**`);
  if (counts.notApplicable > 0) {
    const marks = counts.reasons.map((reason) => {
      if (!footnotes.includes(reason)) footnotes.push(reason);
      return `[${footnotes.indexOf(reason) + 1}]`;
    });
    parts.push(`${counts.notApplicable} not applicable ${marks.join(' ')}`);
  }
  return parts.join(', ');
}

function markdownTable(header, rows) {
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((row) => row[i].length)));
  const line = (row) => `| ${row.map((text, i) => text.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)];
}

/** The table (and the numbered reasons under it) as Markdown lines, rows in project order. */
export function renderTable(rows) {
  const footnotes = [];
  const projects = [...rows.keys()].sort();
  const total = new Map(emulatorNames.map((emulator) => [emulator, emptyCell()]));
  const body = projects.map((project) => [
    `\`${project}\``,
    ...emulatorNames.map((emulator) => {
      const counts = rows.get(project).get(emulator);
      if (counts) {
        const sum = total.get(emulator);
        sum.passed += counts.passed;
        sum.failed += counts.failed;
        sum.notApplicable += counts.notApplicable;
      }
      return cellText(counts, footnotes);
    }),
  ]);
  const totals = [
    '**all**',
    ...emulatorNames.map((emulator) => cellText({ ...total.get(emulator), reasons: [] }, [])),
  ];
  return [
    ...markdownTable(['suite', ...emulatorColumns.map((column) => column.title)], [...body, totals]),
    ...(footnotes.length > 0 ? ['', ...footnotes.map((reason, i) => `${i + 1}. ${reason}`)] : []),
  ];
}

/**
 * The rows a rendered table holds (the inverse of renderTable, whose output it reads back): so a
 * test can tell the table in the docs is the generator's own.
 * @returns {Map<string, Map<string, Cell>>}
 */
export function parseTable(lines) {
  const notes = new Map(
    lines.flatMap((line) => {
      const note = /^(\d+)\. (.*)$/.exec(line);
      return note ? [[note[1], note[2]]] : [];
    }),
  );
  const rows = new Map();
  for (const line of lines.slice(2)) {
    const suite = /^\| `([^`]+)`/.exec(line)?.[1];
    if (!suite) continue;
    const row = new Map();
    line
      .split('|')
      .slice(2, -1)
      .forEach((text, i) => {
        const cellText = text.trim();
        if (cellText === 'not run') return;
        const number = (pattern) => Number(pattern.exec(cellText)?.[1] ?? 0);
        row.set(emulatorNames[i], {
          passed: number(/(\d+) passed/),
          failed: number(/\*\*(\d+) failed\*\*/),
          notApplicable: number(/(\d+) not applicable/),
          reasons: [...cellText.matchAll(/\[(\d+)\]/g)].map((mark) => notes.get(mark[1]) ?? `[${mark[1]}]`),
        });
      });
    rows.set(suite, row);
  }
  return rows;
}

/** The counts per emulator, one line each, for the end of `npm test`. */
export function emulatorCounts(rows) {
  return emulatorColumns.map(({ emulator, title }) => {
    const sum = emptyCell();
    for (const row of rows.values()) {
      const counts = row.get(emulator);
      if (!counts) continue;
      sum.passed += counts.passed;
      sum.failed += counts.failed;
      sum.notApplicable += counts.notApplicable;
    }
    return `${title}: ${sum.passed} passed, ${sum.failed} failed, ${sum.notApplicable} not applicable`;
  });
}

/** `document` with the text between the table's markers replaced by `lines`. */
export function withTable(document, lines) {
  const start = document.indexOf(tableStart);
  const end = document.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error(`no ${tableStart} … ${tableEnd} in the document`);
  return `${document.slice(0, start + tableStart.length)}\n\n${lines.join('\n').trimEnd()}\n\n${document.slice(end)}`;
}

/** Every project with tests: the table shows those whose reports hold an emulator block. */
export function suiteProjects(root) {
  const projects = [];
  for (const group of ['apps', 'libs', 'local', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'project.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const project = JSON.parse(readFileSync(file, 'utf8'));
      if (Object.keys(project.targets ?? {}).some((target) => target.startsWith('test')))
        projects.push(project.name);
    }
  }
  return projects.sort();
}

/** The table from the reports in `reportDir`: its Markdown lines and the counts per emulator. */
export function emulatorTable(root, reportDir, projects = suiteProjects(root)) {
  const rows = collectCells(reportDir, projects);
  return { lines: renderTable(rows), counts: emulatorCounts(rows) };
}

/** Rewrites the table in `docsFile` (docs/emulators.md) from the reports in `reportDir`. */
export function writeEmulatorTable({
  root,
  reportDir,
  docsFile = join(root, 'docs', 'emulators.md'),
  projects = suiteProjects(root),
}) {
  const table = emulatorTable(root, reportDir, projects);
  writeFileSync(docsFile, withTable(readFileSync(docsFile, 'utf8'), table.lines));
  return { ...table, file: relative(root, docsFile) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  // `node tools/setup/emulator-table.mjs [report directory]`: npm test's own by default.
  const reportDir = resolve(process.argv[2] ?? join(root, '.local', 'test-results'));
  const { counts, file } = writeEmulatorTable({ root, reportDir });
  console.log(`${file}: the suite × emulator table written\n${counts.join('\n')}`);
}
