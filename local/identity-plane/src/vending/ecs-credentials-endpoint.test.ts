import { fromHttp } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEcsCredentialsEndpoint, type EcsCredentialsEndpoint } from './ecs-credentials-endpoint.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { recordingIssuer } from './testing/recording-issuer.ts';
import { resolveInChildProcess } from './testing/run-default-chain.ts';

const roleArn = 'arn:aws:iam::123456789012:role/api';
const issuer = recordingIssuer();
const { logger, lines } = captureLogger();
let endpoint: EcsCredentialsEndpoint;

beforeAll(async () => {
  endpoint = await startEcsCredentialsEndpoint({
    issuer: issuer.issue,
    region: 'eu-west-1',
    clusterName: 'keyless',
    logger,
  });
});
afterAll(() => endpoint.close());
beforeEach(() => {
  issuer.requests.length = 0;
  issuer.issued.length = 0;
  issuer.lifetimeSeconds = 3600;
  lines.length = 0;
});

describe('a process started with only the ECS variables', () => {
  test('gets the task role credentials through the SDK default chain', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const result = await resolveInChildProcess({ ...task.environment });
    expect(result.error).toBeUndefined();
    expect(result.accessKeyIds).toEqual([issuer.issued[0]?.accessKeyId]);
  });

  test('the SDK refreshes credentials that are close to expiry, while they are still valid', async () => {
    // Four minutes left is inside the JS SDK's five-minute window: it fetches again on its own.
    issuer.lifetimeSeconds = 240;
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const result = await resolveInChildProcess({ ...task.environment }, { distinct: 3 });
    expect(result.accessKeyIds).toHaveLength(3);
    expect(issuer.requests.length).toBeGreaterThanOrEqual(3);
  });

  test('with the wrong authorization token it gets no credentials', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const result = await resolveInChildProcess({
      ...task.environment,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-the-token',
    });
    expect(result.accessKeyIds).toBeUndefined();
    // The SDK falls through fromHttp and fromContainerMetadata and reports only a generic error;
    // the reason is in the identity plane's decision log.
    expect(result.error).toEqual({
      name: 'CredentialsProviderError',
      message: 'Could not load credentials from any providers',
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        decision: 'denied',
        caller: task.taskArn,
        reason: expect.stringMatching(/not this task’s AWS_CONTAINER_AUTHORIZATION_TOKEN/),
      }),
    );
  });
});

describe('the endpoint', () => {
  test('answers the ECS JSON shape and assumes the role as ecs-tasks with the task as source', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const response = await get(
      task.environment.AWS_CONTAINER_CREDENTIALS_FULL_URI,
      task.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'AccessKeyId',
      'Expiration',
      'RoleArn',
      'SecretAccessKey',
      'Token',
    ]);
    expect(body.RoleArn).toBe(roleArn);
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(task.taskArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/keyless\/[0-9a-f]{32}$/);
    expect(issuer.requests[0]).toMatchObject({
      service: 'ecs-tasks.amazonaws.com',
      roleArn,
      sessionName: task.taskArn.split('/').at(-1),
      sourceAccount: '123456789012',
      sourceArn: task.taskArn,
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        decision: 'allowed',
        mechanism: 'ecs-container-credentials',
        caller: task.taskArn,
        role: roleArn,
      }),
    );
  });

  test('caches credentials with time to spare, and one burst of requests costs one issuance', async () => {
    issuer.lifetimeSeconds = 240;
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    issuer.lifetimeSeconds = 3600;
    const { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token } =
      task.environment;
    const burst = await Promise.all(Array.from({ length: 5 }, () => get(url, token).then((r) => r.json())));
    expect(issuer.requests).toHaveLength(2); // the start-up one (240 s, inside the margin) and one for the burst
    expect(new Set(burst.map((body) => (body as { AccessKeyId: string }).AccessKeyId)).size).toBe(1);
    await get(url, token);
    expect(issuer.requests).toHaveLength(2);
  });

  test('refuses a missing token with 401 and a wrong one with 403', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const url = task.environment.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    expect((await get(url)).status).toBe(401);
    expect((await get(url, 'wrong')).status).toBe(403);
    const other = await endpoint.registerTask({ roleArn, family: 'other' });
    expect((await get(url, other.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status).toBe(403);
  });

  test('answers an unknown or stopped task id with 400 "Credentials not found", as the ECS agent does', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token } =
      task.environment;
    task.deregister();
    const response = await get(url, token);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'InvalidIdInRequest',
      message: 'CredentialsV2Request: Credentials not found',
    });
    expect((await get(`${endpoint.origin}/v2/credentials/`, token)).status).toBe(400);
  });

  test('a role that does not trust ecs-tasks stops the task from starting, with the reason', async () => {
    issuer.denyRole = 'arn:aws:iam::123456789012:role/upload-processor';
    try {
      await expect(endpoint.registerTask({ roleArn: issuer.denyRole, family: 'api' })).rejects.toThrow(
        /ECS was unable to assume the role .*upload-processor.* no trust policy statement allows it/,
      );
    } finally {
      delete issuer.denyRole;
    }
  });

  test('once the task runs, a refused re-issue answers 500 with the reason', async () => {
    issuer.lifetimeSeconds = 240; // inside the margin: every request re-issues
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    issuer.denyRole = roleArn;
    try {
      const { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token } =
        task.environment;
      const response = await get(url, token);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({
        message: expect.stringMatching(/no trust policy statement allows it/),
      });
    } finally {
      delete issuer.denyRole;
    }
  });

  test('the SDK accepts its plain-HTTP URL only on loopback', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api' });
    const url = new URL(task.environment.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    const token = task.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    const onLoopback = fromHttp({
      awsContainerCredentialsFullUri: url.href,
      awsContainerAuthorizationToken: token,
      maxRetries: 0,
    });
    await expect(onLoopback()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    url.hostname = '192.0.2.10';
    const offLoopback = fromHttp({
      awsContainerCredentialsFullUri: url.href,
      awsContainerAuthorizationToken: token,
    });
    await expect(offLoopback()).rejects.toThrow(/URL not accepted/);
  });
});

function get(url: string, authorization?: string): Promise<Response> {
  return fetch(url, { headers: authorization ? { authorization } : {} });
}

describe('for containers whose environment is written first (docker compose)', () => {
  test('a task registered under a fixed credentials id is served there, with a new token each time', async () => {
    const first = await endpoint.registerTask({ roleArn, family: 'api', credentialsId: 'api-1' });
    const url = first.environment.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    expect(url).toBe(`${endpoint.origin}/v2/credentials/api-1`);
    expect((await get(url, first.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status).toBe(200);
    first.deregister();

    const second = await endpoint.registerTask({ roleArn, family: 'api', credentialsId: 'api-1' });
    try {
      expect(second.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN).not.toBe(
        first.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN,
      );
      expect((await get(url, first.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status).toBe(403);
      expect((await get(url, second.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status).toBe(200);
    } finally {
      second.deregister();
    }
  });

  test('refuses a second running task under the same credentials id', async () => {
    const task = await endpoint.registerTask({ roleArn, family: 'api', credentialsId: 'ledger-worker' });
    try {
      await expect(
        endpoint.registerTask({ roleArn, family: 'api', credentialsId: 'ledger-worker' }),
      ).rejects.toThrow(/credentials id ledger-worker is already registered/);
    } finally {
      task.deregister();
    }
  });

  test('listens where told and writes the advertised host into the task URLs', async () => {
    const compose = await startEcsCredentialsEndpoint({
      issuer: issuer.issue,
      region: 'eu-west-1',
      clusterName: 'keyless',
      logger,
      host: '127.0.0.1',
      advertisedHost: '169.254.170.2',
    });
    try {
      const task = await compose.registerTask({ roleArn, family: 'api', credentialsId: 'api-2' });
      const url = new URL(task.environment.AWS_CONTAINER_CREDENTIALS_FULL_URI);
      expect(url.hostname).toBe('169.254.170.2');
      expect(url.pathname).toBe('/v2/credentials/api-2');
      expect(compose.origin).toBe(url.origin);
      // The same path on the address it listens on is the task's credentials.
      const response = await get(
        `http://127.0.0.1:${url.port}${url.pathname}`,
        task.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN,
      );
      expect(response.status).toBe(200);
    } finally {
      await compose.close();
    }
  });
});
