import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { probeContainerRuntime } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyless-docker-probe-'));
let server: Server | undefined;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

async function fakeEngine(name: string, answer: boolean): Promise<string> {
  const socket = join(dir, name);
  server = createServer((req, res) => {
    if (answer && req.url === '/_ping') res.end('OK');
    // A hung engine: accept the connection, never answer.
  });
  await new Promise<void>((done) => server?.listen(socket, done));
  return socket;
}

describe('container runtime probe', () => {
  test('no socket file: unavailable', async () => {
    const probe = await probeContainerRuntime(`unix://${join(dir, 'absent.sock')}`);
    expect(probe.available).toBe(false);
  });

  test('an engine answering /_ping: available', async () => {
    const socket = await fakeEngine('ok.sock', true);
    const probe = await probeContainerRuntime(`unix://${socket}`);
    expect(probe).toEqual({ available: true, detail: `engine answering on ${socket}` });
  });

  test('a socket that never answers: unavailable once the probe timeout passes', async () => {
    const socket = await fakeEngine('hung.sock', false);
    const probe = await probeContainerRuntime(`unix://${socket}`, 200);
    expect(probe.available).toBe(false);
  });
});
