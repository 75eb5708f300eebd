// The supervisor with a stand-in service: what is restarted and when, what is not, and the one
// line per restart. Back-offs are shortened; the waits that matter are reported in the lines.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@keyless/local-platform';
import { afterEach, describe, expect, test } from 'vitest';
import { superviseService, type SupervisedService, type Task } from '../src/supervise-service.ts';

const fixture = join(import.meta.dirname, 'fixtures/tiny-service.ts');
const short = { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 };

let supervised: SupervisedService | undefined;
afterEach(async () => {
  await supervised?.stop();
  supervised = undefined;
});

/** Polls until `condition` holds; fails with `what` if it does not within the deadline. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A harness that records every step of every task, and the lines printed under the service's name. */
function harness(kinds: ('healthy' | 'crash')[] = []) {
  const events: string[] = [];
  const lines: { service: string; entry: Record<string, unknown> }[] = [];
  const ports: number[] = [];
  let launches = 0;
  const launch = async (): Promise<Task> => {
    const n = ++launches;
    const port = await freePort();
    ports.push(port);
    const kind = kinds[n - 1] ?? 'healthy';
    return {
      spec: {
        name: 'tiny',
        args: kind === 'crash' ? ['-e', 'process.exit(3)'] : [fixture],
        cwd: import.meta.dirname,
        env: { PORT: String(port), GREETING: `task-${n}` },
        healthUrl: `http://127.0.0.1:${port}/healthz`,
      },
      started: () => events.push(`started ${n}`),
      beforeStop: async () => {
        events.push(`beforeStop ${n}`);
        await sleep(50);
      },
      ended: () => events.push(`ended ${n}`),
    };
  };
  const output = (service: string, line: string) => {
    if (line.startsWith('{')) lines.push({ service, entry: JSON.parse(line) as Record<string, unknown> });
  };
  const restartLines = () => lines.filter((line) => typeof line.entry.restart === 'number');
  return { events, ports, launch, output, restartLines, launches: () => launches };
}

describe('a task that ends without being asked to', () => {
  test('is replaced after the back-off by a new task, with one line under its name', async () => {
    const h = harness();
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: short,
    });
    supervised = service;
    const first = service.current?.process;
    expect(service.current?.healthy).toBe(true);

    first?.child.kill('SIGKILL');
    await waitFor(
      'the replacement healthy',
      () => service.current?.healthy === true && service.current.process !== first,
    );

    expect(h.launches()).toBe(2);
    expect(h.events).toEqual(['started 1', 'ended 1', 'started 2']);
    expect(h.restartLines()).toEqual([
      {
        service: 'tiny',
        entry: expect.objectContaining({
          level: 'warn',
          service: 'tiny',
          signal: 'SIGKILL',
          exitCode: null,
          restart: 1,
          backOffMs: 100,
          msg: 'exited unexpectedly (signal SIGKILL): restart 1 in 0.1 s',
        }),
      },
    ]);
    expect(service.restarts).toBe(1);
    expect((await fetch(`http://127.0.0.1:${h.ports[1]}/healthz`)).status).toBe(200);
  });

  test('the back-off doubles with each failure in a row, replacements that never get healthy included, up to the maximum', async () => {
    const h = harness(['healthy', 'crash', 'crash', 'crash']);
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: short,
    });
    supervised = service;
    service.current?.process.child.kill('SIGKILL');
    await waitFor('the fifth task healthy', () => h.launches() === 5 && service.current?.healthy === true);

    expect(h.restartLines().map((line) => line.entry.msg)).toEqual([
      'exited unexpectedly (signal SIGKILL): restart 1 in 0.1 s',
      'exited before it was healthy (exit code 3): restart 2 in 0.2 s',
      'exited before it was healthy (exit code 3): restart 3 in 0.4 s',
      'exited before it was healthy (exit code 3): restart 4 in 0.4 s',
    ]);
    expect(h.events).toEqual(['started 1', 'ended 1', 'ended 2', 'ended 3', 'ended 4', 'started 5']);

    // Killed again at once: still counted in the same run of failures.
    service.current?.process.child.kill('SIGKILL');
    await waitFor('a fifth restart line', () => h.restartLines().length === 5);
    expect(h.restartLines()[4]?.entry.backOffMs).toBe(400);
  });

  test('a task that stayed healthy for the reset period starts the back-off again from the first step', async () => {
    const h = harness();
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: { ...short, resetAfterMs: 1_500 },
    });
    supervised = service;
    service.current?.process.child.kill('SIGKILL');
    await waitFor('task 2 healthy', () => h.launches() === 2 && service.current?.healthy === true);
    service.current?.process.child.kill('SIGKILL');
    await waitFor('task 3 healthy', () => h.launches() === 3 && service.current?.healthy === true);
    await sleep(1_600); // longer than resetAfterMs
    service.current?.process.child.kill('SIGKILL');
    await waitFor('a third restart line', () => h.restartLines().length === 3);

    expect(h.restartLines().map((line) => line.entry.backOffMs)).toEqual([100, 200, 100]);
  });
});

describe('stops that were asked for', () => {
  test('stop: drained first, then SIGTERM, never replaced, no restart line', async () => {
    const h = harness();
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: short,
    });
    const child = service.current?.process.child;
    await service.stop();

    expect(child?.exitCode).toBe(0); // SIGTERM, handled by the service
    await sleep(300); // more than the back-off: a replacement would have been launched by now
    expect(h.launches()).toBe(1);
    expect(h.events).toEqual(['started 1', 'beforeStop 1', 'ended 1']);
    expect(h.restartLines()).toEqual([]);
    expect(service.current).toBeUndefined();
  });

  test('stop while a restart waits out its back-off: nothing more is started', async () => {
    const h = harness();
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: { ...short, initialMs: 300 },
    });
    service.current?.process.child.kill('SIGKILL');
    await waitFor('the restart line', () => h.restartLines().length === 1);
    await service.stop();
    await sleep(500);
    expect(h.launches()).toBe(1);
  });

  test('stopTask: drained, stopped with SIGTERM, and replaced at once without back-off', async () => {
    const h = harness();
    const service = await superviseService({
      name: 'tiny',
      launch: h.launch,
      output: h.output,
      backOff: { ...short, initialMs: 60_000 },
    });
    supervised = service;
    const child = service.current?.process.child;
    await service.stopTask();
    expect(child?.exitCode).toBe(0);
    await waitFor('task 2 healthy', () => h.launches() === 2 && service.current?.healthy === true);

    expect(h.events).toEqual(['started 1', 'beforeStop 1', 'ended 1', 'started 2']);
    expect(h.restartLines().map((line) => line.entry.msg)).toEqual(['stopped on request: restart 1 now']);
  });

  test('a first task that is not healthy fails the start with its name, and is not retried', async () => {
    const h = harness(['crash']);
    await expect(
      superviseService({ name: 'tiny', launch: h.launch, output: h.output, backOff: short }),
    ).rejects.toThrow('tiny exited (3) before it was healthy');
    await sleep(300);
    expect(h.launches()).toBe(1);
    expect(h.events).toEqual(['ended 1']);
  });
});
