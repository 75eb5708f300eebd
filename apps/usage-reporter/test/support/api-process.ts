// The API, started as its container starts it, with the `api` task role's credentials from the
// identity plane's ECS endpoint: the route under test is the one admins call, not a copy of it.
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { spawnOwned } from '@keyless/owned-process';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminClients, freePort, type BootstrapResult } from '@keyless/local-platform';
import type { ReporterSystem } from './reporter-system.ts';

// apps/api/src/index.ts → apps/api
const apiDir = join(dirname(fileURLToPath(import.meta.resolve('@keyless/api'))), '..');

export interface ApiProcess {
  url: string;
  stop(): Promise<void>;
}

/** The api's parts of the bootstrap: present where the emulator has them (reporter-system.ts, apiNeeds). */
function apiResources(system: ReporterSystem) {
  const resources = system.platform.resources as Partial<BootstrapResult<'user-directory'>>;
  if (!resources.userDirectory) throw new Error('the reporter system was started without the api (apiNeeds)');
  return { userDirectory: resources.userDirectory };
}

export async function startApi(system: ReporterSystem): Promise<ApiProcess> {
  const { platform } = system;
  const { userPoolId, clientId } = apiResources(system).userDirectory;
  const task = await system.ecs.registerTask({
    roleArn: platform.resources.roles.api ?? '',
    family: 'api',
  });
  const port = await freePort();
  const child = spawnOwned(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: system.dir,
      PORT: String(port),
      AWS_REGION: platform.region,
      AWS_ENDPOINT_URL: platform.endpoints.aws,
      COGNITO_USER_POOL_ID: userPoolId,
      COGNITO_CLIENT_ID: clientId,
      COGNITO_JWKS_URI: `${platform.endpoints.aws}/${userPoolId}/.well-known/jwks.json`,
      FILES_BUCKET: platform.resources.names.bucket,
      UPLOADS_TABLE: platform.resources.names.uploadsTable,
      OTEL_SERVICE_NAME: 'api',
      DRAIN_DELAY_SECONDS: '0',
      ...task.environment,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the api exited during start-up: ${stderr}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (attempt > 600) {
      await stop();
      throw new Error(`the api did not become ready: ${stderr}`);
    }
    await sleep(100);
  }
}

/** An access token of the bootstrap's admin user (group `admins`), by USER_PASSWORD_AUTH. */
export async function adminAccessToken(system: ReporterSystem): Promise<string> {
  const { platform } = system;
  const { clientId, users } = apiResources(system).userDirectory;
  const admin = users.find((user) => user.groups.includes('admins'));
  if (!admin) throw new Error('the bootstrap created no admin user');
  const { cognito } = adminClients({ endpoint: platform.endpoints.aws, region: platform.region });
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: admin.username, PASSWORD: admin.password },
    }),
  );
  if (!AuthenticationResult?.AccessToken) throw new Error('sign-in returned no access token');
  return AuthenticationResult.AccessToken;
}
