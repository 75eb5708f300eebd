// One emulator (and the PostgreSQL that bootstrap() needs) for all API test files: each file starts
// its own API instances and ALB against it, and uses its own users and uploads.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultResourceNames } from '@keyless/iam-model';
import { adminClients, bootstrap, emulatorAccountId, type AdminClients } from '@keyless/local-platform';
import { startTestPlatform } from '@keyless/testing';
import type { TestProject } from 'vitest/node';
import type { TestDirectory, TestUser } from './directory.ts';

const password = () => `Tt-${crypto.randomUUID()}-9z`;

async function createUser(
  cognito: AdminClients['cognito'],
  userPoolId: string,
  username: string,
  groups: string[],
) {
  const user: TestUser = { username, password: password() };
  await cognito.send(
    new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: user.password,
      Permanent: true,
    }),
  );
  for (const group of groups) {
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
    );
  }
  return user;
}

async function createClient(
  cognito: AdminClients['cognito'],
  userPoolId: string,
  name: string,
): Promise<string> {
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: name,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  return UserPoolClient?.ClientId ?? '';
}

export default async function setup(project: TestProject) {
  const platform = await startTestPlatform({ database: true });
  if (!platform.database) throw new Error('bootstrap() needs the PostgreSQL the platform was asked for');
  const clients = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
  const resources = await bootstrap({
    clients,
    region: platform.region,
    accountId: emulatorAccountId,
    names: defaultResourceNames,
    database: platform.database,
    eksOidcIssuer: '127.0.0.1:1/eks',
    githubOidcIssuer: '127.0.0.1:1/github',
    github: { owner: 'octo-org', repo: 'keyless' },
  });
  const { userPoolId, clientId, users } = resources.userDirectory;
  const passwordOf = (name: string) => users.find((user) => user.username === name)?.password ?? '';

  // A second pool (its tokens must be refused) and a second client of the api's pool (likewise).
  const { UserPool } = await clients.cognito.send(new CreateUserPoolCommand({ PoolName: 'someone-else' }));
  const otherPoolId = UserPool?.Id ?? '';
  const otherPoolClientId = await createClient(clients.cognito, otherPoolId, 'someone-else-web');

  const directory: TestDirectory = {
    awsEndpoint: platform.awsEndpoint,
    region: platform.region,
    bucket: resources.names.bucket,
    table: resources.names.uploadsTable,
    userPoolId,
    clientId,
    otherClientId: await createClient(clients.cognito, userPoolId, 'another-app'),
    otherPoolId,
    otherPoolClientId,
    users: {
      demo: { username: 'demo', password: passwordOf('demo') },
      admin: { username: 'admin', password: passwordOf('admin') },
      bob: await createUser(clients.cognito, userPoolId, 'bob', ['members']),
      carol: await createUser(clients.cognito, userPoolId, 'carol', ['members']),
      dave: await createUser(clients.cognito, userPoolId, 'dave', ['members']),
      erin: await createUser(clients.cognito, userPoolId, 'erin', ['members']),
      stranger: await createUser(clients.cognito, otherPoolId, 'stranger', []),
    },
  };
  project.provide('directory', directory);
  return async () => {
    await platform.stop();
  };
}
