import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { descendantsOf, waitUntilGone } from '@keyless/owned-process/process-tree';
import { afterAll, describe, expect, test } from 'vitest';
import { adminClients, startEmulatorProcess } from '../src/index.ts';
import { emulatorVenv, emulators } from '../src/emulators/emulators.ts';
import { emulatorSuite, isInstalled } from './support/installed-emulators.ts';

// A TMPDIR of this file's own: whatever an emulator leaves in it is this file's to find.
const scratchParent = mkdtempSync(join(tmpdir(), 'keyless-emulator-test-'));
process.env.TMPDIR = scratchParent;
afterAll(() => rmSync(scratchParent, { recursive: true, force: true }));

const region = 'eu-west-1';
const queues = async (endpoint: string) =>
  (await adminClients({ endpoint, region }).sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
const pending = Symbol('pending');
const settledYet = (promise: Promise<unknown>) => Promise.race([promise, Promise.resolve(pending)]);

for (const emulator of emulators) {
  const suite = emulatorSuite(emulator);
  describe.skipIf(suite.skip)(suite.skip ? suite.title : `on ${emulator}`, () => {
    test(
      'two start side by side on free loopback ports, answer their health, reset apart, and stop leaving nothing',
      { timeout: 120_000 },
      async () => {
        const [one, two] = await Promise.all([
          startEmulatorProcess({ emulator }),
          startEmulatorProcess({ emulator }),
        ]);
        try {
          for (const running of [one, two]) {
            expect(running.emulator).toBe(emulator);
            expect(running.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
            expect(running.healthUrl.startsWith(running.endpoint)).toBe(true);
            expect((await fetch(running.healthUrl)).ok).toBe(true);
          }
          expect(one.endpoint).not.toBe(two.endpoint);

          await adminClients({ endpoint: one.endpoint, region }).sqs.send(
            new CreateQueueCommand({ QueueName: 'left-over' }),
          );
          await adminClients({ endpoint: two.endpoint, region }).sqs.send(
            new CreateQueueCommand({ QueueName: 'kept' }),
          );
          expect(await queues(one.endpoint)).toHaveLength(1);
          await one.reset();
          expect(await queues(one.endpoint)).toEqual([]);
          expect(await queues(two.endpoint)).toHaveLength(1);
          // A reset is no end, even where it restarts the process (LocalStack).
          expect(await settledYet(one.ended)).toBe(pending);
        } finally {
          const processes = descendantsOf(process.pid).filter((entry) =>
            entry.command.includes(emulatorVenv(emulator)),
          );
          expect(processes.length).toBeGreaterThanOrEqual(2);
          await Promise.all([one.stop(), two.stop()]);
          expect(
            await waitUntilGone(
              processes.map((entry) => entry.pid),
              1_000,
            ),
          ).toEqual([]);
        }
        await expect(one.ended).resolves.toMatch(/^(exit|signal) /);
        await expect(fetch(one.healthUrl)).rejects.toThrow();
        expect(readdirSync(scratchParent)).toEqual([]);
      },
    );
  });
}

const fixture = join(import.meta.dirname, 'fixtures/configured-emulator.ts');
const checkPrerequisites = join(import.meta.dirname, '../bin/check-prerequisites.ts');
const runWith = (script: string, emulator: string) =>
  spawnSync(process.execPath, [script], {
    env: { ...process.env, KEYLESS_EMULATOR: emulator },
    encoding: 'utf8',
    timeout: 60_000,
  });

test.skipIf(!isInstalled('ministack'))(
  'KEYLESS_EMULATOR chooses the emulator started without an option',
  () => {
    const result = runWith(fixture, 'ministack');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ emulator: 'ministack', healthy: true });
  },
);

test('KEYLESS_EMULATOR naming no emulator fails before anything starts, naming the variable', () => {
  const result = runWith(checkPrerequisites, 'localstack-pro');
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(
    /^Invalid configuration: KEYLESS_EMULATOR: .*"moto"\|"ministack"\|"localstack"/m,
  );
  expect(result.stderr).not.toMatch(/cannot start/);
});
