// The real clients, as a developer or the deploy workflow runs them: the AWS CLI for the login
// password (only an endpoint given), crane for the images, each with its own Docker config.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TemporaryCredentials } from '@keyless/identity-plane';
import { craneClient, type CraneClient } from '../../src/crane-client.ts';
import { CRANE, ensureRegistryTool } from '../../src/registry-tools.ts';

/**
 * The AWS CLI: the one `npm test` installs with LocalStack core (its hash-locked requirements
 * carry awscli), else the one on the PATH.
 */
export function awsCli(): string {
  const localstack = resolve(import.meta.dirname, '../../../../.local/emulators/localstack/venv/bin/aws');
  return existsSync(localstack) ? localstack : 'aws';
}

/** `aws ecr get-login-password --endpoint-url <gate>`: the password, or the CLI's error output. */
export function getLoginPassword(options: {
  endpoint: string;
  region: string;
  credentials: TemporaryCredentials;
  caFile: string;
}): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const { credentials } = options;
  return new Promise((done) => {
    execFile(
      awsCli(),
      ['ecr', 'get-login-password', '--endpoint-url', options.endpoint, '--region', options.region],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: tmpdir(),
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
          AWS_CA_BUNDLE: options.caFile,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => done({ ok: !error, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
  });
}

export function crane(caFile: string): Promise<CraneClient> {
  return craneClient({ binary: ensureRegistryTool(CRANE), caFile });
}

/** A layer tar of `bytes` random bytes (random, so every image is new). */
export async function randomLayer(bytes = 4096): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keyless-layer-'));
  await writeFile(join(dir, 'payload.bin'), randomBytes(bytes));
  const tar = join(dir, 'layer.tar');
  await new Promise<void>((done, fail) =>
    execFile('tar', ['-cf', tar, '-C', dir, 'payload.bin'], (error) => (error ? fail(error) : done())),
  );
  return tar;
}
