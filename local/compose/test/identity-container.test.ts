// The identity container's own program, started with the identity service's environment from
// docker-compose.yml (addresses and paths mapped to this machine): what it bootstraps and hands
// out must be exactly what the other services' environments in the same file expect.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  functionCredentialsFromIdentity,
  loadComposeProject,
  type ComposeProject,
  type ComposeService,
} from '../src/index.ts';
import {
  definedEnvironment,
  startComposeOnLoopback,
  type ComposeOnLoopback,
} from './support/compose-on-loopback.ts';

let project: ComposeProject;
let compose: ComposeOnLoopback;

beforeAll(async () => {
  project = loadComposeProject({ profiles: ['jobs'] });
  compose = await startComposeOnLoopback(project);
}, 180_000);
afterAll(() => compose?.stop());

const service = (name: string): ComposeService => {
  const found = project.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** Who STS says a process is that has only these variables (and an empty HOME). */
function callerIdentity(environment: Record<string, string>): Promise<{ arn?: string; error?: string }> {
  const home = mkdtempSync(`${tmpdir()}/compose-home-`);
  const child = spawn(process.execPath, [new URL('./support/caller-identity.ts', import.meta.url).pathname], {
    env: { HOME: home, ...environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      rmSync(home, { recursive: true, force: true });
      resolve(JSON.parse(stdout) as { arn?: string; error?: string });
    });
  });
}

/** A container's credential variables, as its process would see them, mapped to this machine. */
function ecsVariables(name: string): Record<string, string> {
  const env = definedEnvironment(service(name));
  return {
    AWS_REGION: env.AWS_REGION ?? '',
    AWS_ENDPOINT_URL: compose.loopbackUrl(env.AWS_ENDPOINT_URL ?? ''),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: compose.loopbackUrl(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? ''),
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: compose.hostPath(
      service(name),
      env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? '',
    ),
    // The local CA, from the read-only volume identity writes it to: the gate is HTTPS.
    NODE_EXTRA_CA_CERTS: compose.hostPath(service(name), env.NODE_EXTRA_CA_CERTS ?? ''),
  };
}

describe('the identity container, started with its compose environment', () => {
  test('creates the Cognito pool and app client the api containers are configured with', () => {
    const { userPoolId, clientId } = compose.system.description.resources.userDirectory;
    for (const api of ['api-1', 'api-2']) {
      const env = definedEnvironment(service(api));
      expect({ pool: env.COGNITO_USER_POOL_ID, client: env.COGNITO_CLIENT_ID }).toEqual({
        pool: userPoolId,
        client: clientId,
      });
      // Public keys fetched unsigned from the emulator, as from cognito-idp's public URL.
      const emulator = definedEnvironment(service('identity')).AWS_ENDPOINT_URL;
      expect(env.COGNITO_JWKS_URI).toBe(`${emulator}/${userPoolId}/.well-known/jwks.json`);
    }
  });

  test('advertises its gate, STS front and ECS endpoint at the addresses the containers use', () => {
    const { identity } = compose.system.description;
    for (const name of ['api-1', 'ledger-worker', 'usage-reporter']) {
      expect(compose.loopbackUrl(definedEnvironment(service(name)).AWS_ENDPOINT_URL ?? '')).toBe(
        `${compose.system.gate.tlsEndpoint}/`,
      );
    }
    expect(new URL(identity.gateEndpoint).hostname).toBe('169.254.170.2');
    expect(new URL(identity.gateTlsEndpoint)).toMatchObject({
      protocol: 'https:',
      hostname: '169.254.170.2',
    });
    expect(new URL(identity.stsEndpoint).hostname).toBe('169.254.170.2');
    expect(identity.ecsCredentialsEndpoint).toMatch(/^http:\/\/169\.254\.170\.2:\d+$/);
  });

  test.each(['api-1', 'api-2', 'ledger-worker'])(
    '%s gets its task role through the SDK default chain, with the token from its volume',
    async (name) => {
      const variables = ecsVariables(name);
      expect(statSync(variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? '').mode & 0o777).toBe(0o600);
      const role = name.replace(/-\d$/, '');
      expect((await callerIdentity(variables)).arn).toMatch(
        new RegExp(`:assumed-role/${role}/[0-9a-f]{32}$`),
      );
    },
  );

  test('the CA every workload trusts is the one identity wrote at start; without it the gate is refused', async () => {
    const written = readFileSync(compose.system.description.identity.caFile, 'utf8');
    expect(written).toMatch(/^-----BEGIN CERTIFICATE-----/);
    for (const name of ['api-1', 'api-2', 'ledger-worker', 'usage-reporter', 'usage-reporter-default-sa']) {
      const caFile = definedEnvironment(service(name)).NODE_EXTRA_CA_CERTS ?? '';
      expect(readFileSync(compose.hostPath(service(name), caFile), 'utf8'), name).toBe(written);
    }
    const runtime = service('upload-processor');
    const functionCa = definedEnvironment(runtime).FUNCTION_NODE_EXTRA_CA_CERTS ?? '';
    expect(readFileSync(compose.hostPath(runtime, functionCa), 'utf8')).toBe(written);
    // The same task's variables without the CA: the gate's certificate is not trusted.
    const { NODE_EXTRA_CA_CERTS: _trusted, ...untrusting } = ecsVariables('api-1');
    expect((await callerIdentity(untrusting)).error).toMatch(/certificate/);
  });

  test("one task's token does not open another task's credentials", async () => {
    const variables = {
      ...ecsVariables('api-1'),
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE:
        ecsVariables('ledger-worker').AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? '',
    };
    expect((await callerIdentity(variables)).error).toMatch(/Could not load credentials from any providers/);
    expect(compose.lines).toContainEqual(
      expect.objectContaining({
        decision: 'denied',
        reason: expect.stringMatching(/not this task’s AWS_CONTAINER_AUTHORIZATION_TOKEN/),
      }),
    );
  });

  test('usage-reporter exchanges its projected token, through the gate at the STS front, for its IRSA role', async () => {
    const reporter = service('usage-reporter');
    const env = definedEnvironment(reporter);
    const result = await callerIdentity({
      AWS_REGION: env.AWS_REGION ?? '',
      AWS_ENDPOINT_URL: compose.loopbackUrl(env.AWS_ENDPOINT_URL ?? ''),
      AWS_ENDPOINT_URL_STS: compose.loopbackUrl(env.AWS_ENDPOINT_URL_STS ?? ''),
      AWS_ROLE_ARN: env.AWS_ROLE_ARN ?? '',
      AWS_WEB_IDENTITY_TOKEN_FILE: compose.hostPath(reporter, env.AWS_WEB_IDENTITY_TOKEN_FILE ?? ''),
      NODE_EXTRA_CA_CERTS: compose.hostPath(reporter, env.NODE_EXTRA_CA_CERTS ?? ''),
    });
    expect(result.arn).toMatch(/:assumed-role\/usage-reporter\//);
    expect(env.AWS_ROLE_ARN).toBe(compose.system.description.resources.roles['usage-reporter']);
  });

  test("the Lambda runtime gets the function's execution role from identity, and the gate knows its keys", async () => {
    const runtime = service('upload-processor');
    const env = definedEnvironment(runtime);
    const issuer = functionCredentialsFromIdentity({
      url: compose.loopbackUrl(env.FUNCTION_CREDENTIALS_URL ?? ''),
      tokenFile: compose.hostPath(runtime, env.FUNCTION_CREDENTIALS_TOKEN_FILE ?? ''),
    });
    const request = {
      service: 'lambda.amazonaws.com',
      roleArn: env.FUNCTION_ROLE_ARN ?? '',
      sessionName: 'upload-processor',
    };
    const credentials = await issuer(request);
    // What the function's processes get: these keys, and the gate as their endpoint.
    const result = await callerIdentity({
      AWS_REGION: env.AWS_REGION ?? '',
      AWS_ENDPOINT_URL: compose.loopbackUrl(env.FUNCTION_AWS_ENDPOINT_URL ?? ''),
      NODE_EXTRA_CA_CERTS: compose.hostPath(runtime, env.FUNCTION_NODE_EXTRA_CA_CERTS ?? ''),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
    });
    expect(result.arn).toMatch(/:assumed-role\/upload-processor\/upload-processor$/);
    // Another role than the one identity vends for the function is a misconfiguration, said so.
    const apiRole = compose.system.description.resources.roles.api ?? '';
    await expect(issuer({ ...request, roleArn: apiRole })).rejects.toThrow(
      `vends ${env.FUNCTION_ROLE_ARN} for this function, not the configured ${apiRole}`,
    );
  });

  test("the gate decided those calls over TLS: each role's GetCallerIdentity is in the local CloudTrail", () => {
    const trail = readFileSync(compose.system.description.identity.trailFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            eventName: string;
            userIdentity: { sessionContext?: { sessionIssuer?: { userName?: string } } };
            tlsDetails?: { tlsVersion: string };
            additionalEventData: { decision: string };
          },
      );
    const calls = trail
      .filter((record) => record.eventName === 'GetCallerIdentity')
      .filter((record) => record.additionalEventData.decision === 'allowed');
    const callers = calls.map((record) => record.userIdentity.sessionContext?.sessionIssuer?.userName);
    expect(new Set(callers)).toEqual(new Set(['api', 'ledger-worker', 'usage-reporter', 'upload-processor']));
    // Over the gate's HTTPS port, so aws:SecureTransport was true for each.
    expect(calls.filter((record) => !record.tlsDetails)).toEqual([]);
  });

  test('the Lambda runtime is configured with the execution role and queues the bootstrap made', () => {
    const env = definedEnvironment(service('upload-processor'));
    const { resources } = compose.system.description;
    expect(env.FUNCTION_ROLE_ARN).toBe(resources.roles['upload-processor']);
    expect(new URL(compose.loopbackUrl(env.LEDGER_EVENTS_QUEUE_URL ?? '')).pathname).toBe(
      new URL(resources.queues.ledgerEvents.url).pathname,
    );
    expect(new URL(compose.loopbackUrl(env.FAILURE_QUEUE_URL ?? '')).pathname).toBe(
      new URL(resources.queues.uploadFailures.url).pathname,
    );
    expect(env.FILES_BUCKET).toBe(resources.names.bucket);
  });
});
