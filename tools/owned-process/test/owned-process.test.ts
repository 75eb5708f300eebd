import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { spawnOwned, stopOwned } from '../src/index.ts';
import { descendantsOf, stillRunning, waitUntilGone } from '../src/process-tree.ts';

const fixture = join(import.meta.dirname, 'fixtures/owner.ts');

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the process did not start');
  return child.pid;
}

async function ownerReport(mode: 'wait' | 'exit' | 'throw') {
  const owner = spawn(process.execPath, [fixture, mode], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: owner.stdout });
  const first = await new Promise<string>((resolveLine) => lines.once('line', resolveLine));
  const report = JSON.parse(first) as { pids: number[]; scratch: string };
  return { owner, ...report };
}

const pgidOf = (pid: number) =>
  Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());

test('an owned process leads a process group of its own', async () => {
  const child = spawnOwned('sleep', ['30'], { stdio: 'ignore' });
  try {
    expect(pgidOf(pidOf(child))).toBe(child.pid);
    expect(pgidOf(pidOf(child))).not.toBe(pgidOf(process.pid));
  } finally {
    await stopOwned(child);
  }
});

test.each(['wait', 'exit', 'throw'] as const)(
  'an owner that ends without stopping its processes (%s, then SIGKILL if still alive) leaves none behind',
  async (mode) => {
    const { owner, pids, scratch } = await ownerReport(mode);
    const tree = descendantsOf(pidOf(owner)).map((entry) => entry.pid);
    // The three leaders, the two grandchildren and the watchdog.
    expect(tree.length).toBeGreaterThanOrEqual(6);
    expect(tree).toEqual(expect.arrayContaining(pids));
    owner.stdin.write('go\n');
    if (mode === 'wait') owner.kill('SIGKILL');
    expect(await waitUntilGone(tree, 10_000)).toEqual([]);
    expect(existsSync(scratch)).toBe(false);
  },
);

test('stopping asks first, then kills the group of a process that ignores the request', async () => {
  const polite = spawnOwned('sleep', ['30'], { stdio: 'ignore' });
  const stubborn = spawnOwned('sh', ['-c', 'trap "" TERM; sleep 30 & wait'], { stdio: 'ignore' });
  const stubbornTree = [pidOf(stubborn), ...descendantsOf(pidOf(stubborn)).map((entry) => entry.pid)];
  await stopOwned(polite);
  expect(polite.signalCode).toBe('SIGTERM');
  await stopOwned(stubborn, 300);
  expect(stubborn.signalCode).toBe('SIGKILL');
  expect(await waitUntilGone(stubbornTree, 5_000)).toEqual([]);
});

test('what a leader leaves in its group dies with it', async () => {
  const leader = spawnOwned('sh', ['-c', 'sleep 30 & sleep 0.3'], { stdio: 'ignore' });
  await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  const grandchildren = descendantsOf(pidOf(leader))
    .filter((entry) => entry.command === 'sleep 30')
    .map((entry) => entry.pid);
  expect(grandchildren).toHaveLength(1);
  await new Promise((resolveExit) => leader.once('exit', resolveExit));
  expect(await waitUntilGone(grandchildren, 5_000)).toEqual([]);
  expect(stillRunning([pidOf(leader)])).toEqual([]);
});
