// The README's layout table lists every project, each in the part it belongs to, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { workspaceProjects } from '../module-boundaries.mjs';

const root = join(import.meta.dirname, '../../..');
const partOf: Record<string, string> = {
  'type:app': 'deploys',
  'type:lib': 'deploys',
  'type:infra': 'deploys',
  'type:local': 'stands in for AWS',
  'type:tooling': 'tooling',
  'type:bench': 'tooling',
};

/** Each row's path in backticks, under the bold part heading it follows. */
function layoutRows(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Layout'),
    readme.indexOf('\n## ', readme.indexOf('## Layout') + 1),
  );
  const rows = new Map<string, string>();
  let part = '';
  for (const line of section.split('\n')) {
    const heading = /^\| \*\*(.+?)\*\*/.exec(line);
    if (heading?.[1]) part = heading[1];
    const path = /^\| `([^`]+)`/.exec(line)?.[1];
    if (path && !path.endsWith('/')) rows.set(path, part);
  }
  return rows;
}

test('the layout table lists every project, in its part, and no path that is not a project', () => {
  const projects = workspaceProjects(root);
  const expected = new Map(projects.map((project) => [project.dir, partOf[project.type ?? ''] ?? '?']));
  expect(Object.fromEntries(layoutRows())).toEqual(Object.fromEntries(expected));
});
