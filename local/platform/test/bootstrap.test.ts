import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetRoleCommand, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { buildIamModel, defaultResourceNames } from '@keyless/iam-model';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  adminClients,
  bootstrap,
  bootstrapNeeds,
  emulatorAccountId,
  emulators,
  lacking,
  startEmbeddedDatabase,
  startEmulatorProcess,
  type BootstrapOptions,
  type BootstrapResult,
  type DatabaseServer,
  type RunningEmulator,
} from '../src/index.ts';
import { emulatorSuite } from './support/installed-emulators.ts';

const region = 'eu-west-1';
// Every emulator with what the bootstrap needs; the others are refused (platform.test.ts).
const bootstrappable = emulators.filter((candidate) => lacking(candidate, bootstrapNeeds).length === 0);
let emulator: RunningEmulator;
let database: DatabaseServer;
let options: BootstrapOptions;
let first: BootstrapResult;

async function loginAs(secretName: string, db: { host: string; port: number }): Promise<string> {
  const { SecretString } = await options.clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretName }),
  );
  const secret = JSON.parse(SecretString ?? '{}') as Record<string, string | number>;
  expect(secret).toMatchObject({ engine: 'postgres', host: db.host, port: db.port, dbname: 'ledger' });
  const client = new pg.Client({
    host: String(secret.host),
    port: Number(secret.port),
    user: String(secret.username),
    password: String(secret.password),
    database: String(secret.dbname),
  });
  await client.connect();
  const { rows } = await client.query<{ current_user: string }>('SELECT current_user');
  await client.end();
  return rows[0]?.current_user ?? '';
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

for (const emulatorName of bootstrappable) {
  const suite = emulatorSuite(emulatorName);
  describe.skipIf(suite.skip)(`on ${suite.title}`, () => {
    beforeAll(async () => {
      [emulator, database] = await Promise.all([
        startEmulatorProcess({ emulator: emulatorName }),
        startEmbeddedDatabase(),
      ]);
      options = {
        clients: adminClients({ endpoint: emulator.endpoint, region }),
        region,
        accountId: emulatorAccountId,
        names: defaultResourceNames,
        database,
        eksOidcIssuer: '127.0.0.1:1/eks',
        githubOidcIssuer: '127.0.0.1:1/github',
        github: { owner: 'octo-org', repo: 'keyless' },
      };
      first = await bootstrap(options);
    });

    afterAll(async () => {
      await Promise.all([emulator?.stop(), database?.stop()]);
    });

    describe('bootstrap creates the resources of the system', () => {
      test('bucket, uploads table keyed by owner then upload id', async () => {
        await options.clients.s3.send(new HeadBucketCommand({ Bucket: 'keyless-files' }));
        const { Table } = await options.clients.dynamodb.send(
          new DescribeTableCommand({ TableName: 'uploads' }),
        );
        expect(Table?.KeySchema).toEqual([
          { AttributeName: 'ownerSub', KeyType: 'HASH' },
          { AttributeName: 'uploadId', KeyType: 'RANGE' },
        ]);
      });

      test('ledger-events redrives to its DLQ after 5 receives', async () => {
        const { Attributes } = await options.clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: first.queues.ledgerEvents.url,
            AttributeNames: ['RedrivePolicy'],
          }),
        );
        expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
          deadLetterTargetArn: first.queues.ledgerEventsDlq.arn,
          maxReceiveCount: 5,
        });
      });

      test('each secret holds a working login for its own database user', async () => {
        expect(await loginAs('ledger/writer', database)).toBe('ledger_writer');
        expect(await loginAs('ledger/reader', database)).toBe('ledger_reader');
      });

      test('Cognito: demo users sign in; the admin carries the admins group', async () => {
        const { clientId, users, issuer, userPoolId } = first.userDirectory;
        expect(issuer).toBe(`https://cognito-idp.${region}.amazonaws.com/${userPoolId}`);
        const tokens: Record<string, Record<string, unknown>> = {};
        for (const user of users) {
          const { AuthenticationResult } = await options.clients.cognito.send(
            new InitiateAuthCommand({
              ClientId: clientId,
              AuthFlow: 'USER_PASSWORD_AUTH',
              AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
            }),
          );
          tokens[user.username] = claims(AuthenticationResult?.AccessToken ?? '');
        }
        expect(tokens.admin?.['cognito:groups']).toEqual(expect.arrayContaining(['admins']));
        expect(tokens.demo?.['cognito:groups']).not.toContain('admins');
        expect(tokens.demo?.iss).toBe(issuer);
      });

      test('IAM: every role of the model with its trust policy, and both OIDC providers', async () => {
        const model = buildIamModel({
          ...options,
          partition: 'aws',
          lambdaFunctionName: 'upload-processor',
          eksClusterName: 'keyless',
        });
        for (const role of model.roles) {
          const { Role } = await options.clients.iam.send(new GetRoleCommand({ RoleName: role.name }));
          expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual(
            role.assumeRolePolicy,
          );
        }
        const { OpenIDConnectProviderList = [] } = await options.clients.iam.send(
          new ListOpenIDConnectProvidersCommand({}),
        );
        expect(OpenIDConnectProviderList.map((p) => p.Arn)).toEqual(
          expect.arrayContaining(Object.values(first.oidcProviders)),
        );
        expect(Object.keys(first.oidcProviders)).toHaveLength(2);
      });
    });

    describe('bootstrap is idempotent', () => {
      test('a second run converges without duplicates and keeps secrets and ids', async () => {
        const second = await bootstrap(options);
        expect(second.userDirectory.userPoolId).toBe(first.userDirectory.userPoolId);
        expect(second.userDirectory.clientId).toBe(first.userDirectory.clientId);
        expect(second.secrets).toEqual(first.secrets);
        expect(second.roles).toEqual(first.roles);
        expect(second.oidcProviders).toEqual(first.oidcProviders);
        expect(await loginAs('ledger/writer', database)).toBe('ledger_writer');
      });

      test('a fresh database behind an already-bootstrapped emulator gets the secrets re-pointed', async () => {
        const freshDatabase = await startEmbeddedDatabase();
        try {
          await bootstrap({ ...options, database: freshDatabase });
          expect(await loginAs('ledger/writer', freshDatabase)).toBe('ledger_writer');
        } finally {
          await freshDatabase.stop();
        }
      });
    });
  });
}
