import { descendantsOf } from '@keyless/owned-process/process-tree';
import { expect, test } from 'vitest';
import { startLocalPlatform } from '../src/index.ts';

test('an emulator without what the bootstrap needs is refused before anything starts, with each reason', async () => {
  const start = startLocalPlatform({
    region: 'eu-west-1',
    emulator: 'localstack',
    github: { owner: 'octo-org', repo: 'keyless' },
    eksOidcIssuer: '127.0.0.1:1/eks',
    githubOidcIssuer: '127.0.0.1:1/github',
  });
  await expect(start).rejects.toThrow(
    /^the local platform cannot run on localstack:\n {2}localstack lacks DynamoDB tables: .+\n {2}localstack lacks Cognito user pools.+\n {2}localstack lacks account 123456789012 .+$/,
  );
  expect(descendantsOf(process.pid).filter((entry) => /localstack|postgres/.test(entry.command))).toEqual([]);
});
