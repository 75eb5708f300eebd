import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  GetRoleCommand,
  GetSAMLProviderCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { buildIamModel, defaultResourceNames } from '@keyless/iam-model';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  adminClients,
  bootstrap,
  bootstrapNeeds,
  bootstrapNeedsOf,
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

/** IAM stores SAML metadata as given; the bootstrap only registers it (the STS front parses it). */
const idpMetadata = (marker: string) =>
  `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://127.0.0.1:1/saml" ID="${marker}"/>`;

const region = 'eu-west-1';
const github = { owner: 'octo-org', repo: 'keyless' };
let emulator: RunningEmulator;
let database: DatabaseServer;
let options: BootstrapOptions;
let first: BootstrapResult;

async function loginAs(
  secretName: string,
  db: { host: string; port: number },
  { secretsManager = options.clients.secretsManager, dbname = 'ledger' } = {},
): Promise<string> {
  const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretName }));
  const secret = JSON.parse(SecretString ?? '{}') as Record<string, string | number>;
  expect(secret).toMatchObject({ engine: 'postgres', host: db.host, port: db.port, dbname });
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

/** A client none of whose calls may be made: the parts not asked for must not touch their service. */
const untouchable = <T extends object>(service: string): T =>
  new Proxy({} as T, {
    get: (_, property) =>
      property === 'send'
        ? () => Promise.reject(new Error(`${service} was called for a part not asked for`))
        : undefined,
  });

// Every emulator: the parts of the ledger (queues, database) on each; the whole bootstrap where
// the emulator has what it needs, and not applicable, with the reason, where not.
for (const emulatorName of emulators) {
  const suite = emulatorSuite(emulatorName);
  const missing = lacking(emulatorName, bootstrapNeeds).map((sentence) =>
    sentence.replace(`${emulatorName} lacks `, 'lacks '),
  );
  describe.skipIf(suite.skip)(suite.skip ? suite.title : `on ${emulatorName}`, () => {
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
        github,
        samlMetadata: idpMetadata('first-key'),
      };
    });

    afterAll(async () => {
      await Promise.all([emulator?.stop(), database?.stop()]);
    });

    test('some parts only: the ledger queues, database and secrets, and no call to any other service', async () => {
      expect(bootstrapNeedsOf(['queues', 'database'])).toEqual(['sqs', 'secrets-manager']);
      const names = { ...defaultResourceNames, writerSecret: 'parts/writer', readerSecret: 'parts/reader' };
      const { sqs, secretsManager } = options.clients;
      const clients = {
        ...options.clients,
        s3: untouchable<typeof options.clients.s3>('S3'),
        dynamodb: untouchable<typeof options.clients.dynamodb>('DynamoDB'),
        cognito: untouchable<typeof options.clients.cognito>('Cognito'),
        iam: untouchable<typeof options.clients.iam>('IAM'),
      };
      const ledger = { database: 'parts_ledger', writer: 'parts_writer', reader: 'parts_reader' };
      const result = await bootstrap({
        clients,
        region,
        accountId: emulatorAccountId,
        names,
        database,
        ledger,
        parts: ['queues', 'database'],
      });
      expect(Object.keys(result).sort()).toEqual(['database', 'names', 'queues', 'secrets']);
      expect(result.database).toMatchObject({ name: 'parts_ledger', writer: 'parts_writer' });
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
      expect(QueueUrls).toContain(result.queues.ledgerEvents.url);
      expect(await loginAs('parts/writer', database, { secretsManager, dbname: 'parts_ledger' })).toBe(
        'parts_writer',
      );
      // A run's own users are members of the deployment's, to which the migrations grant.
      const admin = new pg.Client({ connectionString: database.adminUrl });
      await admin.connect();
      const { rows } = await admin.query<{ member: boolean }>(
        "SELECT pg_has_role('parts_writer', 'ledger_writer', 'MEMBER') AS member",
      );
      await admin.end();
      expect(rows[0]?.member).toBe(true);
    });

    (missing.length === 0 ? describe : describe.skip)(
      missing.length === 0
        ? 'the whole bootstrap'
        : `not applicable on ${emulatorName}: ${missing.join('; ')}`,
      () => {
        beforeAll(async () => {
          first = await bootstrap(options);
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
              accountId: emulatorAccountId,
              region,
              names: defaultResourceNames,
              eksOidcIssuer: '127.0.0.1:1/eks',
              githubOidcIssuer: '127.0.0.1:1/github',
              github,
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
            expect(first.samlProviders).toEqual({
              LocalIdP: `arn:aws:iam::${emulatorAccountId}:saml-provider/LocalIdP`,
            });
            const provider = await options.clients.iam.send(
              new GetSAMLProviderCommand({ SAMLProviderArn: first.samlProviders.LocalIdP }),
            );
            expect(provider.SAMLMetadataDocument).toBe(idpMetadata('first-key'));
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
            expect(second.samlProviders).toEqual(first.samlProviders);
            expect(await loginAs('ledger/writer', database)).toBe('ledger_writer');
          });

          test("a restarted IdP's new metadata replaces the old under the same provider", async () => {
            const again = await bootstrap({ ...options, samlMetadata: idpMetadata('second-key') });
            const provider = await options.clients.iam.send(
              new GetSAMLProviderCommand({ SAMLProviderArn: again.samlProviders.LocalIdP }),
            );
            expect(provider.SAMLMetadataDocument).toBe(idpMetadata('second-key'));
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
      },
    );
  });
}
