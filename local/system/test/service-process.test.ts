import { join } from 'node:path';
import { freePort } from '@keyless/local-platform';
import { expect, test } from 'vitest';
import { startServiceProcess } from '../src/service-process.ts';

const fixture = join(import.meta.dirname, 'fixtures/tiny-service.ts');

test('a service starts with only its own environment, is gated on health, and stops on SIGTERM', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const service = await startServiceProcess(
    {
      name: 'tiny',
      args: [fixture],
      cwd: import.meta.dirname,
      env: { PORT: String(port), GREETING: 'tiny' },
      healthUrl: `http://127.0.0.1:${port}/healthz`,
    },
    (name, line) => lines.push(`[${name}] ${line}`),
  );
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  await service.stop();
  expect(service.child.exitCode).toBe(0);
  expect(lines).toContain('[tiny] listening as tiny; HOME=unset');
});

test('a service that dies before it is healthy fails the start with its name', async () => {
  const start = startServiceProcess(
    {
      name: 'broken',
      args: ['-e', 'process.exit(3)'],
      cwd: import.meta.dirname,
      env: {},
      healthUrl: 'http://127.0.0.1:9/',
    },
    () => undefined,
  );
  await expect(start).rejects.toThrow('broken exited (3) before it was healthy');
});
