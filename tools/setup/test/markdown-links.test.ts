// Every Markdown file of the repository: its relative links resolve (files and #anchors), the
// repository paths it names in code spans exist, and the root README's "Where is…" table names
// functions that are in the files it links.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { brokenLinks, missingCodePaths } from '../src/broken-links.ts';
import { markdownFiles } from '../src/markdown-files.ts';
import { declares, whereIsRows } from '../src/where-is-table.ts';

const root = join(import.meta.dirname, '../../..');
const files = markdownFiles(root);

describe('the Markdown files', () => {
  test('are found, the root README and the flow pages among them', () => {
    expect(files).toContain(join(root, 'README.md'));
    expect(files).toContain(join(root, 'docs/flows/README.md'));
  });

  test('have no relative link to a missing file or anchor', () => {
    expect(brokenLinks(root, files)).toEqual([]);
  });

  test('name no repository path in a code span that does not exist', () => {
    expect(missingCodePaths(root, files)).toEqual([]);
  });
});

describe("the README's Where is… table", () => {
  const rows = whereIsRows(readFileSync(join(root, 'README.md'), 'utf8'));

  test('answers a dozen questions or more, each with a linked file and its functions', () => {
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      expect(row.file, row.question).toMatch(/\.ts$/);
      expect(row.functions, row.question).not.toEqual([]);
    }
  });

  test('names only functions that are in the file each row links', () => {
    const missing = rows.flatMap(({ file, functions }) => {
      const source = readFileSync(join(root, file), 'utf8');
      return functions.filter((name) => !declares(source, name)).map((name) => `${file}: ${name}`);
    });
    expect(missing).toEqual([]);
  });
});
