import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('a process that used the embedded database keeps its own exit code (a failed test run stays failed)', () => {
  const result = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'fixtures/exit-code-after-database.ts')],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(result.status).toBe(3);
});
