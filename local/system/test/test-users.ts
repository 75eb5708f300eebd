import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { adminClients } from '@keyless/local-platform';
import type { SystemDescription } from '../src/index.ts';

/**
 * `count` new users of the system's pool, signed in: their access tokens. The api limits uploads
 * per user and instance (`UPLOADS_PER_MINUTE`, 30 by default), so a test that sends many POSTs
 * spreads them over users rather than loosening the limit.
 */
export async function signedInUsers(d: SystemDescription, prefix: string, count: number): Promise<string[]> {
  const { cognito } = adminClients({ endpoint: d.endpoints.aws, region: d.region });
  const { userPoolId, clientId } = d.resources.userDirectory;
  const password = `Kl-${randomBytes(12).toString('base64url')}-7a`;
  const signIn = async (username: string) => {
    // With a temporary password of our own: a generated one need not meet the pool's policy
    // (ministack's does not: docs/emulators.md).
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: `Tp-${randomBytes(12).toString('base64url')}-7a`,
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    if (!AuthenticationResult?.AccessToken) throw new Error(`no access token for ${username}`);
    return AuthenticationResult.AccessToken;
  };
  const tokens: string[] = [];
  try {
    for (let start = 0; start < count; start += 10) {
      const batch = Array.from({ length: Math.min(10, count - start) }, (_, i) => `${prefix}-${start + i}`);
      tokens.push(...(await Promise.all(batch.map(signIn))));
    }
  } finally {
    cognito.destroy();
  }
  return tokens;
}
