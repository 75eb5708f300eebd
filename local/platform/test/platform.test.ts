import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { descendantsOf } from '@keyless/owned-process/process-tree';
import { describe, expect, test } from 'vitest';
import { adminClients, startLocalPlatform } from '../src/index.ts';
import { emulatorSuite } from './support/installed-emulators.ts';

const issuers = { eksOidcIssuer: '127.0.0.1:1/eks', githubOidcIssuer: '127.0.0.1:1/github' };

test('an emulator without what the bootstrap needs is refused before anything starts, with each reason', async () => {
  const start = startLocalPlatform({
    region: 'eu-west-1',
    emulator: 'localstack',
    github: { owner: 'octo-org', repo: 'keyless' },
    ...issuers,
  });
  await expect(start).rejects.toThrow(
    /^the local platform cannot run on localstack:\n {2}localstack lacks DynamoDB tables: .+\n {2}localstack lacks Cognito user pools.+: LocalStack core has no Cognito$/,
  );
  expect(descendantsOf(process.pid).filter((entry) => /localstack|postgres/.test(entry.command))).toEqual([]);
});

const localstack = emulatorSuite('localstack');
describe.skipIf(localstack.skip)(`on ${localstack.title}`, () => {
  test(
    'asked for only the parts it has, it runs there, and describes the emulator it started',
    { timeout: 120_000 },
    async () => {
      const platform = await startLocalPlatform({
        region: 'eu-west-1',
        emulator: 'localstack',
        parts: ['bucket', 'database', 'roles'],
        github: { owner: 'octo-org', repo: 'keyless' },
        ...issuers,
      });
      try {
        const { description } = platform;
        expect(description.emulator).toMatchObject({ name: 'localstack', pid: expect.any(Number) });
        expect((await fetch(description.emulator?.healthUrl ?? '')).ok).toBe(true);
        const clients = adminClients({ endpoint: description.endpoints.aws, region: description.region });
        await clients.s3.send(new HeadBucketCommand({ Bucket: description.resources.names.bucket }));
        const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'usage-reporter' }));
        expect(Role?.Arn).toBe(description.resources.roles['usage-reporter']);
        expect(Role?.Arn).toBe('arn:aws:iam::123456789012:role/usage-reporter');
        expect(description.resources.secrets.readerSecret).toContain(':123456789012:secret:ledger/reader');
      } finally {
        await platform.stop();
      }
    },
  );
});
