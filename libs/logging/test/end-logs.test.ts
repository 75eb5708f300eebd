import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const fixture = join(import.meta.dirname, 'fixtures', 'log-then-exit.ts');
const messages = async (args: string[]) => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture, ...args], {
    env: { UV_THREADPOOL_SIZE: '1' },
  });
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
};

it('endLogs: the lines logged before process.exit all come out, in order', async () => {
  expect(await messages(['--end-logs'])).toEqual(['stopping', 'drained', 'stopped']);
});

it('without it, a line whose write was under way at exit comes out last or not at all (why it exists)', async () => {
  expect(await messages([])).not.toEqual(['stopping', 'drained', 'stopped']);
});
