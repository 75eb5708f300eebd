import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { adminClients, emulatorAccountId, emulatorAdminCredentials } from '../src/index.ts';

const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  req.resume();
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"QueueUrls":[]}');
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('admin clients go to the given endpoint, signed as the emulator administrator', async () => {
  const { sqs } = adminClients({ endpoint, region: 'eu-west-1' });
  await sqs.send(new ListQueuesCommand({}));
  expect(seen).toHaveLength(1);
  expect(seen[0]?.authorization).toContain(`Credential=${emulatorAdminCredentials.accessKeyId}/`);
  expect(seen[0]?.authorization).toContain('/eu-west-1/sqs/aws4_request');
});

test('the placeholder credentials cannot be mistaken for an AWS access key', () => {
  expect(emulatorAdminCredentials.accessKeyId).not.toMatch(/^(AKIA|ASIA)[0-9A-Z]{16}$/);
});

test('the access key id is the 12-digit account id, so LocalStack serves the administrator from that account', () => {
  expect(emulatorAdminCredentials.accessKeyId).toBe(emulatorAccountId);
  expect(emulatorAccountId).toMatch(/^\d{12}$/);
});
