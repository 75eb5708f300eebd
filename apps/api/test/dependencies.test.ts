// What the api does when what it depends on is missing: readiness says which, liveness does not
// care, and the client gets a problem document that names no internals.
import { createLogger } from '@keyless/logging';
import { startLocalAlb } from '@keyless/local-alb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiEnvironment } from './support/api-cluster.ts';
import { startApiInstance, type ApiInstance } from './support/api-instance.ts';
import { directory, signIn } from './support/directory.ts';
import { expectProblem } from './support/problems.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let accessToken: string;
  beforeAll(async () => {
    ({ accessToken } = await signIn(directory().users.demo));
  });

  describe('JWKS unreachable', () => {
    let api: ApiInstance;
    beforeAll(async () => {
      api = await startApiInstance(
        apiEnvironment(directory().awsEndpoint, { COGNITO_JWKS_URI: 'http://127.0.0.1:1/jwks.json' }),
      );
    });
    afterAll(() => api?.stop());

    test('/healthz is 200, /readyz is 503 naming the JWKS', async () => {
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      const body = await expectProblem(await fetch(`${api.url}/readyz`), 503);
      expect(body.detail).toBe('not ready: jwks');
    });

    test('a token cannot be checked: 503 with Retry-After, counted as jwks_unavailable, not 401', async () => {
      const response = await fetch(`${api.url}/v1/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      await expectProblem(response, 503);
      expect(response.headers.get('retry-after')).toBe('5');
      await waitFor('the jwks_unavailable metric', () =>
        api.lines.some((line) => line.reason === 'jwks_unavailable'),
      );
    });

    test('the ALB never routes to it: its own 503', async () => {
      const alb = await startLocalAlb({
        targets: [api.url],
        healthCheck: { intervalMs: 100, timeoutMs: 1_000 },
        logger: createLogger({ service: 'local-alb', level: 'silent' }),
      });
      try {
        await waitFor('the target to fail its checks', () => alb.targetHealth()[0]?.state === 'unhealthy');
        expect(alb.targetHealth()[0]?.reason).toContain('ResponseCodeMismatch (503)');
      } finally {
        await alb.stop();
      }
    });
  });

  describe('no AWS credentials in the default chain', () => {
    let api: ApiInstance;
    beforeAll(async () => {
      const {
        AWS_ACCESS_KEY_ID: _id,
        AWS_SECRET_ACCESS_KEY: _secret,
        ...env
      } = apiEnvironment(directory().awsEndpoint);
      api = await startApiInstance({
        ...env,
        // Nothing to find anywhere in the chain: no files, no container endpoint, no instance metadata.
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_EC2_METADATA_DISABLED: 'true',
      });
    });
    afterAll(() => api?.stop());

    test('/readyz is 503 naming the table', async () => {
      await waitFor('the JWKS', () => api.lines.some((line) => line.msg === 'JWKS fetched'));
      const body = await expectProblem(await fetch(`${api.url}/readyz`), 503);
      expect(body.detail).toBe('not ready: table');
    });

    test('a request that needs AWS is a bare 500: no SDK message in the response, all of it in the log', async () => {
      const response = await fetch(`${api.url}/v1/uploads`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const body = await expectProblem(response, 500);
      expect(Object.keys(body).sort()).toEqual(['requestId', 'status', 'title', 'type']);
      expect(JSON.stringify(body)).not.toMatch(/credential|dynamodb|uploads|aws/i);
      await waitFor('the error log line', () =>
        api.lines.some((line) => line.requestId === body.requestId && line.level === 'error'),
      );
      const logged = api.lines.find((line) => line.requestId === body.requestId && line.level === 'error');
      expect(JSON.stringify(logged?.err)).toMatch(/credential/i);
    });
  });

  describe('bad configuration', () => {
    test('stops the process at start-up with exit code 1, naming each variable', async () => {
      const { COGNITO_USER_POOL_ID: _pool, ...env } = apiEnvironment(directory().awsEndpoint);
      const failure = await startApiInstance({
        ...env,
        DRAIN_DELAY_SECONDS: '60',
        STOP_TIMEOUT_SECONDS: 'soon',
      }).then(
        () => new Error('started'),
        (error: Error) => error,
      );
      expect(failure.message).toContain('exited with code 1');
      expect(failure.message).toContain('COGNITO_USER_POOL_ID: required');
      expect(failure.message).toContain('STOP_TIMEOUT_SECONDS: expected a whole number of seconds');
    });
  });
});
