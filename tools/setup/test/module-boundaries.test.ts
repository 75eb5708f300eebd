// The layering lint enforces, tried with deliberately wrong imports (the tree itself passes: every
// project's lint target runs in npm test).
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { expect, test } from 'vitest';
import { workspaceProjects } from '../module-boundaries.mjs';

const root = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, imported: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import '${imported}';\n`, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test.each([
  ['an app importing a local stand-in', 'apps/api/src/probe.ts', '@keyless/local-platform'],
  ['an app importing another app', 'apps/api/src/probe.ts', '@keyless/ledger-worker'],
  ["an app's test importing another app", 'apps/api/test/probe.test.ts', '@keyless/usage-reporter/config'],
  ['an app importing the test harness', 'apps/ledger-worker/src/probe.ts', '@keyless/testing'],
  ['a lib importing a stand-in', 'libs/db/src/probe.ts', '@keyless/local-platform'],
  ['infrastructure importing a stand-in', 'infra/cdk/src/probe.ts', '@keyless/identity-plane'],
  ['a stand-in importing an app', 'local/system/src/probe.ts', '@keyless/api'],
])('lint refuses %s', async (_what, file, imported) => {
  const errors = await boundaryErrors(file, imported);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/may not import .*see local\/README\.md/);
});

test.each([
  ['an app importing a lib', 'apps/api/src/probe.ts', '@keyless/config'],
  [
    "an app's test using the harness and a stand-in",
    'apps/api/test/probe.test.ts',
    '@keyless/local-platform',
  ],
  ["a lib's test support using the harness", 'libs/db/src/testing/probe.ts', '@keyless/testing'],
  ['a stand-in importing a lib', 'local/system/src/probe.ts', '@keyless/db/migrate'],
])('lint allows %s', async (_what, file, imported) => {
  expect(await boundaryErrors(file, imported)).toEqual([]);
});

test('every project carries exactly one type tag the rule knows', () => {
  const untyped = workspaceProjects(root).filter((project) => !project.type);
  expect(untyped).toEqual([]);
});
