import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  irsaEnvironment,
  lambdaCredentialEnvironment,
  startProjectedTokenFile,
} from '@keyless/identity-plane';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSystem } from './system-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';

// One-minute sessions, to watch refreshes: shorter than AWS's minimum, which not every emulator allows.
emulatorSuite([...systemNeeds, 'sts-short-sessions'], () => {
  const run = promisify(execFile);
  const workload = join(import.meta.dirname, 'fixtures/read-secret.ts');
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;

  beforeAll(async () => {
    // Sessions far shorter than AWS allows, so refreshes happen while the workload runs.
    fixture = await startTestSystem({
      sessionDurations: { minimumSeconds: 60, defaultSeconds: 60 },
      taskCredentialSeconds: 60,
    });
  });
  afterAll(() => fixture?.stop());

  /** Runs the workload with nothing but the given variables (and the endpoints) in its environment. */
  async function workloadWith(mechanism: object, extra: Record<string, string> = {}) {
    const { description } = fixture.system;
    const { stdout } = await run(process.execPath, [workload], {
      cwd: import.meta.dirname,
      env: {
        PATH: process.env.PATH,
        HOME: fixture.dir,
        AWS_REGION: description.region,
        AWS_ENDPOINT_URL: description.endpoints.aws,
        AWS_ENDPOINT_URL_STS: description.identity.stsEndpoint,
        ...mechanism,
        ...extra,
      },
    });
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { round: number; arn: string; username?: string });
  }

  const decisionsFor = (role: string) =>
    fixture.lines.filter(
      (line) => line.event === 'sts.decision' && String(line.role).endsWith(`:role/${role}`),
    );

  describe('one workload, three credential mechanisms, no branching', () => {
    test('ECS task role through the container credentials endpoint', async () => {
      const roleArn = fixture.system.description.resources.roles['ledger-worker'] ?? '';
      const task = await fixture.system.ecs.registerTask({ roleArn, family: 'ledger-worker' });
      expect(Object.keys(task.environment).sort()).toEqual([
        'AWS_CONTAINER_AUTHORIZATION_TOKEN',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      ]);
      const [result] = await workloadWith(task.environment, { SECRET_ID: 'ledger/writer' });
      expect(result?.arn).toMatch(/:assumed-role\/ledger-worker\//);
      expect(result?.username).toBe('ledger_writer');
    });

    test('IRSA through a projected service-account token file', async () => {
      const { irsa } = fixture.system.description.identity;
      const [result] = await workloadWith(irsa, { SECRET_ID: 'ledger/reader' });
      expect(result?.arn).toMatch(/:assumed-role\/usage-reporter\//);
      expect(result?.username).toBe('ledger_reader');
    });

    test('Lambda-style environment credentials from the execution role', async () => {
      const { description, sts, logger } = fixture.system;
      const { environment } = await lambdaCredentialEnvironment(
        sts.issueServiceCredentials,
        {
          roleArn: description.resources.roles['upload-processor'] ?? '',
          functionName: 'upload-processor',
          region: description.region,
        },
        logger,
      );
      const [result] = await workloadWith(environment);
      expect(result?.arn).toMatch(/:assumed-role\/upload-processor\//);
    });
  });

  describe('credentials expire and are refreshed while a workload runs', () => {
    test('ECS: a long-running process keeps working across several refreshes', async () => {
      const roleArn = fixture.system.description.resources.roles['api'] ?? '';
      const task = await fixture.system.ecs.registerTask({ roleArn, family: 'api' });
      const before = decisionsFor('api').length;
      const rounds = await workloadWith(task.environment, {
        ROUNDS: '4',
        ROUND_INTERVAL_MS: '200',
      });
      expect(rounds.map((r) => r.round)).toEqual([1, 2, 3, 4]);
      expect(rounds.every((r) => /:assumed-role\/api\//.test(r.arn))).toBe(true);
      // A 60 s session is inside the SDK's 5-minute refresh window, so every round fetched anew.
      expect(decisionsFor('api').length - before).toBeGreaterThanOrEqual(3);
    });

    test('IRSA: the token file is rotated while the process runs, and the process keeps working', async () => {
      const { issuers, logger, description } = fixture.system;
      const tokenFile = await startProjectedTokenFile({
        minter: issuers.eks,
        path: join(fixture.dir, 'short-lived', 'token'),
        namespace: 'keyless',
        serviceAccount: 'usage-reporter',
        expiresInSeconds: 3,
        logger,
      });
      try {
        const first = readFileSync(tokenFile.path, 'utf8');
        const rounds = await workloadWith(
          irsaEnvironment(description.identity.irsa.AWS_ROLE_ARN, tokenFile),
          {
            ROUNDS: '6',
            ROUND_INTERVAL_MS: '1000',
          },
        );
        expect(rounds).toHaveLength(6);
        expect(rounds.every((r) => /:assumed-role\/usage-reporter\//.test(r.arn))).toBe(true);
        expect(tokenFile.writes).toBeGreaterThanOrEqual(3);
        expect(readFileSync(tokenFile.path, 'utf8')).not.toBe(first);
      } finally {
        tokenFile.stop();
      }
    });
  });
});
