import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminClients, type Capability, type Emulator } from '@keyless/local-platform';
import { inject } from 'vitest';

/**
 * What the api's suites need of the emulator: every file that talks to it declares this
 * (emulatorSuite(apiNeeds, …)), and the global setup starts nothing where it is lacking.
 */
export const apiNeeds: readonly Capability[] = ['s3', 'dynamodb', 'cognito-user-pools', 'iam'];

export interface TestUser {
  username: string;
  password: string;
}

/** What the global setup created on the emulator, handed to every test file. */
export interface TestDirectory {
  emulator: Emulator;
  awsEndpoint: string;
  region: string;
  /** The api instances' credentials: an IAM user's key, so the emulator can check their signatures. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  bucket: string;
  table: string;
  userPoolId: string;
  clientId: string;
  /** Another app client of the same pool. */
  otherClientId: string;
  otherPoolId: string;
  otherPoolClientId: string;
  /** Each test file has users of its own where it writes: files run in parallel on one emulator. */
  users: Record<'demo' | 'admin' | 'bob' | 'carol' | 'dave' | 'erin' | 'stranger', TestUser>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    directory: TestDirectory;
  }
}

export const directory = (): TestDirectory => inject('directory');

/** The emulator's administrator clients (placeholder credentials for tooling and tests only). */
export const admin = () => adminClients({ endpoint: directory().awsEndpoint, region: directory().region });

/** Signs in with USER_PASSWORD_AUTH, as the web client would. */
export async function signIn(user: TestUser, clientId: string = directory().clientId) {
  const { AuthenticationResult } = await admin().cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  );
  if (!AuthenticationResult?.AccessToken || !AuthenticationResult.IdToken)
    throw new Error('sign-in returned no tokens');
  return { accessToken: AuthenticationResult.AccessToken, idToken: AuthenticationResult.IdToken };
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
