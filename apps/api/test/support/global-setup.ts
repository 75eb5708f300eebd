// One emulator for all API test files: each file starts its own API instances and ALB against it,
// and uses its own users and uploads. Only what the api uses is bootstrapped (bucket, uploads table,
// user pool): no database, no roles. On an emulator that lacks what the api needs, nothing starts:
// every file's tests are reported not applicable there (support/directory.ts, apiNeeds).
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultResourceNames } from '@keyless/iam-model';
import {
  adminClients,
  bootstrap,
  createEmulatorUserKey,
  emulatorAccountId,
  type AdminClients,
} from '@keyless/local-platform';
import { startTestPlatform } from '@keyless/testing';
import { planSuite } from '@keyless/testing/emulator-suite';
import type { TestProject } from 'vitest/node';
import { apiNeeds, type TestDirectory, type TestUser } from './directory.ts';

const password = () => `Tt-${crypto.randomUUID()}-9z`;

async function createUser(
  cognito: AdminClients['cognito'],
  userPoolId: string,
  username: string,
  groups: string[],
) {
  const user: TestUser = { username, password: password() };
  // A temporary password of our own: a generated one need not meet the pool's policy (ministack's does not).
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: password(),
    }),
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
  const plan = planSuite(apiNeeds);
  if (plan.lacking.length > 0) return undefined;
  const platform = await startTestPlatform();
  try {
    const clients = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
    const resources = await bootstrap({
      parts: ['bucket', 'uploads-table', 'user-directory'],
      clients,
      region: platform.region,
      accountId: emulatorAccountId,
      names: defaultResourceNames,
    });
    const { userPoolId, clientId, users } = resources.userDirectory;
    const passwordOf = (name: string) => users.find((user) => user.username === name)?.password ?? '';

    // A second pool (its tokens must be refused) and a second client of the api's pool (likewise).
    const { UserPool } = await clients.cognito.send(new CreateUserPoolCommand({ PoolName: 'someone-else' }));
    const otherPoolId = UserPool?.Id ?? '';
    const otherPoolClientId = await createClient(clients.cognito, otherPoolId, 'someone-else-web');

    const directory: TestDirectory = {
      emulator: plan.emulator,
      awsEndpoint: platform.awsEndpoint,
      region: platform.region,
      // The api instances' own: an IAM user's key, which every emulator can check signatures against.
      credentials: await createEmulatorUserKey(clients, 'api-under-test'),
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
  } catch (error) {
    await platform.stop();
    throw error;
  }
  return async () => {
    await platform.stop();
  };
}
