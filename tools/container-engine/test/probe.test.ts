// Whether an engine answers, against a fake one on a Unix socket that answers Docker's ping (or
// does not), and up.sh's behaviour on a machine that has an engine: it changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bash, call } from './bash.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyless-fake-engine-'));
const servers: Server[] = [];

/** A server on a Unix socket answering GET /_ping with `status` and `body`, as dockerd does with 200 OK. */
async function fakeEngine(name: string, status: number, body: string): Promise<string> {
  const socket = join(dir, `${name}.sock`);
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/_ping' ? status : 404).end(req.url === '/_ping' ? body : '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return `unix://${socket}`;
}

let engine = '';
let broken = '';
beforeAll(async () => {
  engine = await fakeEngine('engine', 200, 'OK');
  broken = await fakeEngine('broken', 500, 'not ready');
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

const libs = ['lib/common.sh', 'lib/probe.sh'];

describe('engine_answers', () => {
  test('true for an engine answering its ping', async () => {
    expect((await call(libs, 'engine_answers', [engine])).code).toBe(0);
  });

  test('false for a socket that answers otherwise, a missing socket, or a host it cannot ask', async () => {
    expect((await call(libs, 'engine_answers', [broken])).code).not.toBe(0);
    expect((await call(libs, 'engine_answers', [`unix://${dir}/missing.sock`])).code).not.toBe(0);
    expect((await call(libs, 'engine_answers', ['ssh://somewhere'])).code).not.toBe(0);
  });
});

describe('answering_host', () => {
  test('DOCKER_HOST, when set, is the one asked', async () => {
    expect((await call(libs, 'answering_host', [], { DOCKER_HOST: engine })).stdout.trim()).toBe(engine);
    expect((await call(libs, 'answering_host', [], { DOCKER_HOST: broken })).stdout).toBe('');
  });
});

describe('up.sh', () => {
  test('with an engine answering, it says so and prints nothing to evaluate', async () => {
    const result = await bash('./up.sh', [], { DOCKER_HOST: engine });
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: `container-engine: an engine answers at ${engine}; nothing to do\n`,
    });
  });

  test('with a DOCKER_HOST that does not answer, it fails and says which', async () => {
    const result = await bash('./up.sh', [], { DOCKER_HOST: broken });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`DOCKER_HOST=${broken} does not answer`);
  });
});
