// The commands docker-compose.yml itself runs inside images, run here: the two shell entrypoints
// (with this machine's sh, in front of a stand-in for the image's own docker-entrypoint.sh, which
// reports what it was started with) and the Node.js health checks.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadComposeProject, type ComposeService } from '../src/index.ts';

let bin: string;

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'compose-entrypoint-'));
  const standIn = join(bin, 'docker-entrypoint.sh');
  writeFileSync(standIn, '#!/bin/sh\nprintf \'%s|%s\' "$*" "$POSTGRES_PASSWORD"\n');
  chmodSync(standIn, 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function runEntrypoint(service: ComposeService | undefined) {
  const [command = '', ...args] = service?.entrypoint ?? [];
  const environment = Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([name, value]) => [name, value ?? '']),
  );
  return spawnSync(command, args, {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, ...environment },
  });
}

describe('localstack', () => {
  test('refuses to start without LOCALSTACK_AUTH_TOKEN, and says why', () => {
    const run = runEntrypoint(loadComposeProject({ profiles: ['localstack'], env: {} }).services.localstack);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the localstack profile needs LOCALSTACK_AUTH_TOKEN/);
    expect(run.stdout).toBe('');
  });

  test('starts its own entrypoint with a token', () => {
    const project = loadComposeProject({
      profiles: ['localstack'],
      env: { LOCALSTACK_AUTH_TOKEN: 'ls-token' },
    });
    const run = runEntrypoint(project.services.localstack);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('|');
  });
});

describe('postgres', () => {
  test('starts the server with a fresh random superuser password that is stored nowhere', () => {
    const postgres = loadComposeProject({ env: {} }).services.postgres;
    expect(Object.keys(postgres?.environment ?? {})).not.toContain('POSTGRES_PASSWORD');
    const [first, second] = [runEntrypoint(postgres), runEntrypoint(postgres)];
    expect(first.status).toBe(0);
    const [args, password] = first.stdout.split('|');
    expect(args).toBe('postgres');
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(second.stdout.split('|')[1]).not.toBe(password);
  });
});

describe('the Node.js health checks', () => {
  const nodeChecks = Object.entries(loadComposeProject({ env: {} }).services).filter(
    ([, service]) => service.healthcheck?.test?.[1] === 'node',
  );

  test('exist for the services that run Node.js', () => {
    expect(nodeChecks.map(([name]) => name).sort()).toEqual(['alb', 'api-1', 'api-2', 'ledger-worker']);
  });

  test.each(nodeChecks)('%s: passes on a 2xx answer, fails on another or none', async (_name, service) => {
    const [, , flag = '', script = ''] = service.healthcheck?.test ?? [];
    const probed = new URL(/'(http:[^']+)'/.exec(script)?.[1] ?? '');
    let status = 200;
    const server = createServer((request, response) => {
      response.writeHead(request.url === probed.pathname ? status : 404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const local = script.replace(probed.origin, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const exitCode = async (code: string) => {
      const child = spawn(process.execPath, [flag, code], { stdio: 'ignore' });
      const [exit] = (await once(child, 'exit')) as [number];
      return exit;
    };
    try {
      expect(await exitCode(local)).toBe(0);
      status = 503;
      expect(await exitCode(local)).toBe(1);
    } finally {
      server.close();
    }
    expect(await exitCode(local)).toBe(1);
  });
});
