// oras, the other registry client the notes name, unchanged: its login, an artifact pushed by the
// image-publishing role and pulled back by the api's pull role, refused to another service's. The
// registry is `localhost:<port>`, which oras would speak plain HTTP to: `--plain-http=false`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { emulatorAccountId } from '@keyless/emulator-admin';
import type { TemporaryCredentials } from '@keyless/identity-plane';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureRegistryTool, ORAS } from '../src/registry-tools.ts';
import { getLoginPassword } from './support/image-clients.ts';
import { registryNeeds, startRegistryFixture, type RegistryFixture } from './support/registry-fixture.ts';

emulatorSuite(registryNeeds, () => {
  let fixture: RegistryFixture;
  let workDir: string;
  beforeAll(async () => {
    fixture = await startRegistryFixture();
    workDir = await mkdtemp(join(tmpdir(), 'keyless-oras-'));
  });
  afterAll(async () => {
    await fixture?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** An oras of its own Docker config, logged in with `aws ecr get-login-password` of these credentials. */
  async function orasAs(name: string, credentials: TemporaryCredentials) {
    const config = join(workDir, name);
    const oras = (args: string[], input = '') =>
      new Promise<{ ok: boolean; output: string }>((resolve) => {
        const child = execFile(
          ensureRegistryTool(ORAS),
          args,
          {
            cwd: workDir,
            env: {
              PATH: process.env.PATH ?? '',
              HOME: config,
              DOCKER_CONFIG: config,
              SSL_CERT_FILE: fixture.caFile,
            },
          },
          (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }),
        );
        child.stdin?.end(input);
      });
    const password = await getLoginPassword({
      endpoint: fixture.gate.tlsEndpoint ?? '',
      region: fixture.platform.region,
      credentials,
      caFile: fixture.caFile,
    });
    const login = await oras(
      ['login', fixture.registry.host, '-u', 'AWS', '--password-stdin', '--plain-http=false'],
      password.stdout,
    );
    expect(login.output).toContain('Login Succeeded');
    return oras;
  }

  test('the publisher pushes an artifact, the api’s pull role pulls it, ledger-worker’s is refused', async () => {
    const content = randomBytes(32).toString('hex');
    await writeFile(join(workDir, 'artifact.txt'), content);
    const ref = `${fixture.registry.host}/keyless/api:oras-1`;

    const publisher = await orasAs(
      'publisher',
      await fixture.chainToPublisher(await fixture.serviceCredentials(fixture.roleArns.deploy)),
    );
    const pushed = await publisher(['push', '--plain-http=false', ref, 'artifact.txt']);
    expect(pushed.ok, pushed.output).toBe(true);

    const api = await orasAs('api', await fixture.serviceCredentials(fixture.roleArns.pull.api));
    const pulled = await api(['pull', '--plain-http=false', '-o', 'pulled', ref]);
    expect(pulled.ok, pulled.output).toBe(true);
    expect(await readFile(join(workDir, 'pulled', 'artifact.txt'), 'utf8')).toBe(content);

    const worker = await orasAs(
      'worker',
      await fixture.serviceCredentials(fixture.roleArns.pull['ledger-worker']),
    );
    const refused = await worker(['pull', '--plain-http=false', '-o', 'refused', ref]);
    expect(refused.ok).toBe(false);
    expect(refused.output).toContain(`assumed-role/ledger-worker-execution/`);
    expect(refused.output).toContain(
      `is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:${fixture.platform.region}:${emulatorAccountId}:repository/keyless/api`,
    );
  });
});
