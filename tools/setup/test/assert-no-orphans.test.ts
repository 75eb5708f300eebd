import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const script = join(import.meta.dirname, '../assert-no-orphans.py');
const run = (shell: string) =>
  spawnSync('python3', [script, '--grace-seconds', '1', 'sh', '-c', shell], {
    encoding: 'utf8',
    timeout: 30_000,
  });

test('a command that leaves a process running fails, naming it, and the process is killed', () => {
  const result = run('sleep 60 & exit 0');
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(
    /1 process\(es\) of the run still running 1 s after it ended:\n\s+\d+ sleep 60/,
  );
  const pid = Number(/(\d+) sleep 60/.exec(result.stdout)?.[1]);
  expect(() => process.kill(pid, 0)).toThrow();
});

test('a command whose processes all end passes with its own status', () => {
  expect(run('sleep 0.2 & exit 0').status).toBe(0);
  expect(run('exit 3').status).toBe(3);
});
