// The suite × emulator table of docs/emulators.md is written by `npm test` from the reports of its
// run (run-checks.mjs): here the generator meets real Vitest reports of a fixture suite, and the
// table in the docs is checked to be the generator's, not edited by hand.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  collectCells,
  emulatorCounts,
  parseTable,
  renderTable,
  suiteProjects,
  tableEnd,
  tableStart,
  writeEmulatorTable,
} from '../emulator-table.mjs';

const root = join(import.meta.dirname, '../../..');
// demo.json (moto), demo-ministack.json (one failure), demo-localstack.json (a block needing DynamoDB).
const fixtures = join(import.meta.dirname, 'fixtures/emulator-suites');
const dynamodbReason =
  'lacks DynamoDB tables: LocalStack core serves DynamoDB only through DynamoDB Local (Java, under a licence that is not OSI-approved), so it is left out';

test('one row per suite: passed, failed and not applicable per emulator, the reasons numbered under it', () => {
  expect(renderTable(collectCells(fixtures, ['demo']))).toEqual([
    '| suite   | moto     | ministack              | LocalStack core                |',
    '| ------- | -------- | ---------------------- | ------------------------------ |',
    '| `demo`  | 4 passed | 3 passed, **1 failed** | 2 passed, 2 not applicable [1] |',
    '| **all** | 4 passed | 3 passed, **1 failed** | 2 passed, 2 not applicable     |',
    '',
    `1. ${dynamodbReason}`,
  ]);
});

test('the counts per emulator, as npm test prints them', () => {
  expect(emulatorCounts(collectCells(fixtures, ['demo']))).toEqual([
    'moto: 4 passed, 0 failed, 0 not applicable',
    'ministack: 3 passed, 1 failed, 0 not applicable',
    'LocalStack core: 2 passed, 0 failed, 2 not applicable',
  ]);
});

test('a suite without a report on an emulator says so; tests outside an emulator block are not counted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-table-'));
  copyFileSync(join(fixtures, 'demo.json'), join(dir, 'demo.json'));
  copyFileSync(join(import.meta.dirname, 'fixtures/reports/broken.json'), join(dir, 'broken.json'));
  const lines = renderTable(collectCells(dir, ['demo', 'broken']));
  expect(lines[2]).toBe('| `demo`  | 4 passed | not run   | not run         |');
  expect(lines.join('\n')).not.toContain('broken');
});

test('the docs file is rewritten between its markers only, with exactly what the generator produces', () => {
  const copy = join(mkdtempSync(join(tmpdir(), 'emulator-table-')), 'emulators.md');
  copyFileSync(join(root, 'docs', 'emulators.md'), copy);
  const before = readFileSync(copy, 'utf8');
  writeEmulatorTable({ root, reportDir: fixtures, docsFile: copy, projects: ['demo'] });
  const after = readFileSync(copy, 'utf8');
  const lines = renderTable(collectCells(fixtures, ['demo']));
  expect(after).toContain(`${tableStart}\n\n${lines.join('\n')}\n\n${tableEnd}`);
  const outside = (text: string) => [
    text.slice(0, text.indexOf(tableStart)),
    text.slice(text.indexOf(tableEnd)),
  ];
  expect(outside(after)).toEqual(outside(before));
  // Read back, the table gives what it was written from.
  expect(parseTable(lines)).toEqual(collectCells(fixtures, ['demo']));
});

test("the table in docs/emulators.md is the generator's: its own rendering, every row a suite of this repository", () => {
  const docs = readFileSync(join(root, 'docs', 'emulators.md'), 'utf8');
  const block = docs.slice(docs.indexOf(tableStart) + tableStart.length, docs.indexOf(tableEnd)).trim();
  const lines = block.split('\n');
  const rows = parseTable(lines);
  expect(rows.size).toBeGreaterThan(0);
  expect(suiteProjects(root)).toEqual(expect.arrayContaining([...rows.keys()]));
  // Rendered again, what it says is the same text, totals and numbered reasons included.
  expect(renderTable(rows)).toEqual(lines);
});
