import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, startTarget, waitFor, type TestTarget } from './support.ts';

let targets: TestTarget[];
beforeAll(async () => {
  targets = await Promise.all([startTarget('a'), startTarget('b')]);
});
afterAll(() => Promise.all(targets.map((target) => target.close())));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'cli.ts')], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  return { child, lines, stderr: () => stderr, exit: once(child, 'exit') as Promise<[number | null]> };
}

test('`node src/cli.ts` balances over ALB_TARGETS and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const alb = run({
    ALB_PORT: String(port),
    ALB_TARGETS: targets.map((target) => target.url).join(','),
    ALB_HEALTH_CHECK_INTERVAL_SECONDS: '1',
    ALB_HEALTH_CHECK_TIMEOUT_SECONDS: '0',
  });
  const [code] = await alb.exit;
  expect(code).toBe(1);
  expect(alb.stderr()).toContain(
    'ALB_HEALTH_CHECK_TIMEOUT_SECONDS: expected a whole number of seconds, 1 or more',
  );

  const good = run({
    ALB_PORT: String(port),
    ALB_TARGETS: targets.map((target) => target.url).join(','),
    ALB_HEALTH_CHECK_INTERVAL_SECONDS: '2',
    ALB_HEALTH_CHECK_TIMEOUT_SECONDS: '1',
  });
  await waitFor(
    'both targets healthy',
    () => good.lines.filter((line) => line.msg === 'target healthy').length === 2,
  );
  const bodies = [];
  for (let i = 0; i < 4; i += 1) bodies.push(await (await fetch(`http://127.0.0.1:${port}/`)).text());
  expect(bodies.sort()).toEqual(['a', 'a', 'b', 'b']);
  good.child.kill('SIGTERM');
  const [exitCode] = await good.exit;
  expect(exitCode).toBe(0);
});
