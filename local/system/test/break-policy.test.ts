// `npm run break-policy`: one statement taken from a role in the running system's IAM makes that
// role's call fail at the permission gate with AWS's message, and `--restore` brings it back.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';
import { breakPolicy, restorePolicy } from '../src/break-policy.ts';
import { startTestSystem } from './system-fixture.ts';

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let secrets: SecretsManagerClient;
  const platformFile = () => `${fixture.dir}/platform.json`;

  beforeAll(async () => {
    fixture = await startTestSystem();
    const { description, sts } = fixture.system;
    const credentials = await sts.issueServiceCredentials({
      service: 'ecs-tasks.amazonaws.com',
      roleArn: description.resources.roles['ledger-worker'] ?? '',
      sessionName: 'break-policy-test',
      sourceAccount: description.accountId,
      sourceArn: `arn:aws:ecs:${description.region}:${description.accountId}:task/keyless/0123456789abcdef`,
    });
    secrets = new SecretsManagerClient({
      region: description.region,
      endpoint: description.identity.gateEndpoint,
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    secrets?.destroy();
    await fixture?.stop();
  });

  const readWriterSecret = () =>
    secrets
      .send(new GetSecretValueCommand({ SecretId: fixture.system.description.resources.names.writerSecret }))
      .then(
        () => 'read',
        (error: Error) => `${error.name}: ${error.message}`,
      );

  /** The gate reads role policies again after its one-second cache. */
  async function settlesTo(expected: (outcome: string) => boolean): Promise<string> {
    let outcome = '';
    for (let attempt = 0; attempt < 40 && !expected(outcome); attempt++) {
      outcome = await readWriterSecret();
      if (!expected(outcome)) await sleep(100);
    }
    return outcome;
  }

  test('the ledger-worker reads its secret; without WriterSecret it is AccessDenied; restored, it reads again', async () => {
    expect(await readWriterSecret()).toBe('read');

    const said = await breakPolicy(
      fixture.system.description,
      platformFile(),
      'ledger-worker',
      'WriterSecret',
    );
    expect(said).toContain('ledger-worker lost WriterSecret');
    const denied = await settlesTo((outcome) => outcome.startsWith('AccessDeniedException'));
    expect(denied).toMatch(
      /^AccessDeniedException: User: arn:aws:sts::\d{12}:assumed-role\/ledger-worker\/break-policy-test is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:[^ ]+:secret:ledger\/writer-\w{6} because no identity-based policy allows the secretsmanager:GetSecretValue action$/,
    );

    await restorePolicy(fixture.system.description, platformFile(), 'ledger-worker');
    expect(await settlesTo((outcome) => outcome === 'read')).toBe('read');
  });

  test('a statement the role does not have is named with the ones it has', async () => {
    await expect(breakPolicy(fixture.system.description, platformFile(), 'api', 'NoSuchSid')).rejects.toThrow(
      'role api has no statement NoSuchSid (it has UploadsTable, PresignUploads, PresignReportDownloads, FindLatestReport)',
    );
  });
});
