// docker compose only (KEYLESS_COMPOSE_FUNCTIONS): the identity container vends the Lambda
// function's execution role to the runtime's own container, to the token it wrote for it, and the
// permission gate accepts those keys because this plane issued them. Without the right token
// nothing is issued.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { freePort } from '@keyless/local-platform';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemNeeds, type RunningSystem } from '../src/index.ts';
import { startTestSystem } from './system-fixture.ts';

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let system: RunningSystem;
  let lines: Record<string, unknown>[];
  let credentialsUrl: string;
  let tokenFile: string;

  // The system fixture with the compose settings docker-compose.yml gives the identity container
  // for its Lambda function.
  beforeAll(async () => {
    const port = await freePort();
    fixture = await startTestSystem({}, (dir) => ({
      KEYLESS_COMPOSE_FUNCTIONS: 'upload-processor=upload-processor',
      KEYLESS_COMPOSE_FUNCTIONS_DIR: join(dir, 'compose-functions'),
      KEYLESS_FUNCTION_CREDENTIALS_PORT: String(port),
    }));
    ({ system, lines } = fixture);
    credentialsUrl = `http://127.0.0.1:${port}/functions/upload-processor/credentials`;
    tokenFile = join(fixture.dir, 'compose-functions', 'upload-processor', 'token');
  });
  afterAll(() => fixture?.stop());

  const roleArn = () => system.description.resources.roles['upload-processor'] ?? '';
  const functionArn = () =>
    `arn:aws:lambda:${system.description.region}:${system.description.accountId}:function:upload-processor`;
  /** The STS front's decisions to issue the execution role: each is one set of credentials. */
  const issued = () =>
    lines.filter(
      (line) => line.event === 'sts.decision' && line.role === roleArn() && line.decision === 'allowed',
    ).length;
  const ask = (headers: Record<string, string>, url = credentialsUrl) => fetch(url, { headers });

  test('writes the token for the runtime alone (0600), on start', () => {
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8')).toMatch(/^[\w-]{43}$/);
  });

  test("the function's token gets its execution role, assumed as Lambda, in keys the gate accepts", async () => {
    const before = issued();
    const response = await ask({ authorization: readFileSync(tokenFile, 'utf8') });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'AccessKeyId',
      'Expiration',
      'RoleArn',
      'SecretAccessKey',
      'Token',
    ]);
    expect(body.RoleArn).toBe(roleArn());
    expect(new Date(body.Expiration ?? '').getTime()).toBeGreaterThan(Date.now());
    expect(issued()).toBe(before + 1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'sts.decision',
        caller: 'lambda.amazonaws.com',
        role: roleArn(),
        decision: 'allowed',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'vending.decision',
        mechanism: 'lambda-environment',
        caller: functionArn(),
        decision: 'allowed',
      }),
    );

    const sts = new STSClient({
      region: system.description.region,
      endpoint: system.description.identity.gateEndpoint,
      credentials: {
        accessKeyId: body.AccessKeyId ?? '',
        secretAccessKey: body.SecretAccessKey ?? '',
        sessionToken: body.Token ?? '',
      },
      maxAttempts: 1,
    });
    try {
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
      expect(Arn).toBe(
        `arn:aws:sts::${system.description.accountId}:assumed-role/upload-processor/upload-processor`,
      );
    } finally {
      sts.destroy();
    }
    // Never logged: neither the token nor the credentials.
    const logged = JSON.stringify(lines);
    for (const secret of [readFileSync(tokenFile, 'utf8'), body.SecretAccessKey, body.Token]) {
      expect(logged).not.toContain(secret);
    }
  });

  describe('refused, and nothing issued', () => {
    test.each([
      ['no token', {}, 401, 'NoAuthorizationToken', 'no Authorization header'],
      [
        'a wrong token',
        { authorization: 'not-the-token' },
        403,
        'InvalidAuthorizationToken',
        'not this function’s token',
      ],
    ])('%s', async (_case, headers: Record<string, string>, status, code, reason) => {
      const before = issued();
      const response = await ask(headers);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ code });
      expect(issued()).toBe(before);
      expect(lines).toContainEqual(
        expect.objectContaining({
          event: 'vending.decision',
          mechanism: 'lambda-environment',
          role: roleArn(),
          decision: 'denied',
          reason: expect.stringContaining(reason),
        }),
      );
    });

    test("another function's path, even with this function's token", async () => {
      const before = issued();
      const response = await ask(
        { authorization: readFileSync(tokenFile, 'utf8') },
        credentialsUrl.replace('/upload-processor/', '/api/'),
      );
      expect(response.status).toBe(404);
      expect(issued()).toBe(before);
    });
  });
});
