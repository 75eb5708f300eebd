import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const fixture = join(import.meta.dirname, 'fixtures/exit-code-after-database.ts');
const exitAfterDatabase = (...args: string[]) =>
  spawnSync(process.execPath, [fixture, ...args], { encoding: 'utf8', timeout: 60_000 });

test('a process that used the embedded database keeps its failing exit code (a failed test run stays failed)', () => {
  expect(exitAfterDatabase('3').status).toBe(3);
});

test('a process that used the embedded database ends cleanly when its work is done', () => {
  const result = exitAfterDatabase();
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});
