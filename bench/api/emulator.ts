import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { defaultResourceNames } from '@keyless/iam-model';
import { adminClients, bootstrap, emulatorAccountId } from '@keyless/local-platform';
import { startTestPlatform } from '@keyless/testing';

/** A private emulator, bootstrapped, and an access token of the demo user (USER_PASSWORD_AUTH). */
export async function startBenchEmulator() {
  const platform = await startTestPlatform({ database: true });
  if (!platform.database) throw new Error('bootstrap() needs PostgreSQL');
  const clients = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
  const { userDirectory } = await bootstrap({
    clients,
    region: platform.region,
    accountId: emulatorAccountId,
    names: defaultResourceNames,
    database: platform.database,
    eksOidcIssuer: '127.0.0.1:1/eks',
    githubOidcIssuer: '127.0.0.1:1/github',
    github: { owner: 'octo-org', repo: 'keyless' },
  });
  const demo = userDirectory.users.find((user) => user.username === 'demo');
  const { AuthenticationResult } = await clients.cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: userDirectory.clientId,
      AuthParameters: { USERNAME: demo?.username ?? '', PASSWORD: demo?.password ?? '' },
    }),
  );
  if (!AuthenticationResult?.AccessToken) throw new Error('sign-in returned no access token');
  return { platform, userDirectory, accessToken: AuthenticationResult.AccessToken };
}
