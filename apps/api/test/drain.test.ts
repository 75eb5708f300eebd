// Stopping an api instance the way ECS does (SIGTERM) while requests keep flowing: the ALB takes it
// out when its /readyz fails, the instance serves what it still receives, finishes what is in
// flight, and exits 0. No request is lost, and none needed the ALB's retry.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { directory, signIn } from './support/directory.ts';

let cluster: ApiCluster;
beforeAll(async () => {
  cluster = await startApiCluster({ UPLOADS_PER_MINUTE: '100000', DRAIN_DELAY_SECONDS: '3' });
});
afterAll(() => cluster?.stop());

test('SIGTERM to one instance during a steady request stream loses no request at the ALB', async () => {
  const { accessToken } = await signIn(directory().users.erin);
  const headers = { authorization: `Bearer ${accessToken}` };
  const outcomes: (number | string)[] = [];
  let running = true;

  // Four clients, each with its own keep-alive connection pool, alternating reads and writes.
  const client = async () => {
    for (let i = 0; running; i += 1) {
      try {
        const response =
          i % 2 === 0
            ? await fetch(`${cluster.alb.url}/v1/me`, { headers })
            : await fetch(`${cluster.alb.url}/v1/uploads`, {
                method: 'POST',
                headers: { ...headers, 'content-type': 'application/json' },
                body: JSON.stringify({ filename: `s${i}.txt`, contentType: 'text/plain', size: 1 }),
              });
        await response.arrayBuffer();
        outcomes.push(response.status);
      } catch (error) {
        outcomes.push(String((error as Error).cause ?? error));
      }
    }
  };
  const clients = [client(), client(), client(), client()];

  await sleep(1_000);
  const [stopping, surviving] = cluster.instances as [
    (typeof cluster.instances)[0],
    (typeof cluster.instances)[0],
  ];
  const exitCode = await stopping.stop('SIGTERM');
  const afterExit = outcomes.length;
  await sleep(1_000);
  running = false;
  await Promise.all(clients);

  expect(exitCode).toBe(0);
  expect(outcomes.filter((outcome) => outcome !== 200 && outcome !== 201)).toEqual([]);
  expect(outcomes.length).toBeGreaterThan(afterExit); // the stream went on, on the other instance

  // The stopping instance kept serving after SIGTERM (the drain delay), then drained and stopped.
  const messages = stopping.lines.map((line) => line.msg);
  const stopAt = messages.indexOf('stopping');
  expect(await (await fetch(`${surviving.url}/readyz`)).json()).toEqual({ status: 'ready' });
  expect(stopAt).toBeGreaterThan(0);
  expect(messages.slice(stopAt).filter((msg) => msg === 'request').length).toBeGreaterThan(0);
  expect(messages.slice(stopAt)).toEqual(
    expect.arrayContaining([
      'draining: readiness now fails, still serving',
      'drained: no connections left',
      'stopped',
    ]),
  );
  expect(stopping.lines.find((line) => line.msg === 'drained: no connections left')?.cutConnections).toBe(0);
  expect(stopping.lines.at(-1)).toMatchObject({ msg: 'stopped', exitCode: 0 });

  // The ALB took it out on its failing health check, and never had to retry a request elsewhere.
  expect(cluster.albLines).toEqual(
    expect.arrayContaining([expect.objectContaining({ target: stopping.url, to: 'unhealthy' })]),
  );
  expect(cluster.albLines.filter((line) => line.msg === 'target request failed')).toEqual([]);
  expect(surviving.child.exitCode).toBeNull();
});
