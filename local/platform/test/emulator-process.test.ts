import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { adminClients, startEmulatorProcess, type RunningEmulator } from '../src/index.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulatorProcess();
});
afterAll(() => emulator?.stop());

test('reset() drops every resource, so the next user starts from nothing', async () => {
  const { sqs } = adminClients({ endpoint: emulator.endpoint, region: 'eu-west-1' });
  await sqs.send(new CreateQueueCommand({ QueueName: 'left-over' }));
  expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toHaveLength(1);
  await emulator.reset();
  expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toHaveLength(0);
});

test('stop() ends the process: the port stops answering', async () => {
  const other = await startEmulatorProcess();
  await other.stop();
  await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
});
