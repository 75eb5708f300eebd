import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GroupExistsException,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UsernameExistsException,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export const userPoolName = 'keyless';
export const appClientName = 'keyless-web';
export const groups = ['members', 'admins'] as const;

export interface DemoUser {
  username: string;
  password: string;
  groups: string[];
}

export interface UserDirectory {
  userPoolId: string;
  clientId: string;
  /** The issuer Cognito puts in `iss`: the real AWS format, even on the emulator. */
  issuer: string;
  users: DemoUser[];
}

const demoUsers = [
  { username: 'demo', groups: ['members'] },
  { username: 'admin', groups: ['members', 'admins'] },
];

/** A fresh password per bootstrap that satisfies the pool's policy; printed for the developer. */
function demoPassword(): string {
  return `Kl-${randomBytes(12).toString('base64url')}-7a`;
}

async function ensureUserPool(cognito: CognitoIdentityProviderClient): Promise<string> {
  const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const existing = UserPools.find((pool) => pool.Name === userPoolName)?.Id;
  if (existing) return existing;
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: userPoolName,
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    }),
  );
  if (!UserPool?.Id) throw new Error('CreateUserPool returned no id');
  return UserPool.Id;
}

async function ensureAppClient(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<string> {
  const { UserPoolClients = [] } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  const existing = UserPoolClients.find((client) => client.ClientName === appClientName)?.ClientId;
  if (existing) return existing;
  // A public client: no secret, short-lived access tokens, refresh tokens for the session.
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: appClientName,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 1,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  if (!UserPoolClient?.ClientId) throw new Error('CreateUserPoolClient returned no id');
  return UserPoolClient.ClientId;
}

async function ensureGroup(cognito: CognitoIdentityProviderClient, userPoolId: string, group: string) {
  try {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  } catch (error) {
    if (!(error instanceof GroupExistsException)) throw error;
  }
}

async function ensureUser(cognito: CognitoIdentityProviderClient, userPoolId: string, user: DemoUser) {
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.username,
        // Given, not generated: ministack's generated one is shorter than the pool's policy asks.
        TemporaryPassword: user.password,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: `${user.username}@keyless.example` },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw error;
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: user.username,
      Password: user.password,
      Permanent: true,
    }),
  );
  for (const group of user.groups) {
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.username, GroupName: group }),
    );
  }
}

/** The Cognito user pool, public app client, groups and two demo users (one of them an admin). */
export async function ensureUserDirectory(
  cognito: CognitoIdentityProviderClient,
  region: string,
): Promise<UserDirectory> {
  const userPoolId = await ensureUserPool(cognito);
  const clientId = await ensureAppClient(cognito, userPoolId);
  for (const group of groups) await ensureGroup(cognito, userPoolId, group);
  const users = demoUsers.map((user) => ({ ...user, password: demoPassword() }));
  for (const user of users) await ensureUser(cognito, userPoolId, user);
  return {
    userPoolId,
    clientId,
    issuer: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    users,
  };
}
