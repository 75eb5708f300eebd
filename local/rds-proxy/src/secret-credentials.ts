// The credential the proxy logs in upstream with, as RDS Proxy holds it: one Secrets Manager
// secret per database user (`{ username, password }`, RDS's secret shape), read with the proxy's
// own identity — never the client's. Read once and kept; read again after `maxAgeMs`, so a rotated
// password is picked up as RDS Proxy picks it up.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { UpstreamCredential } from './upstream-login.ts';

export interface SecretCredentialsOptions {
  client: SecretsManagerClient;
  /** Database user → the secret holding its password (name or ARN). */
  secretIdByUser: Readonly<Record<string, string>>;
  /** Default one minute. */
  maxAgeMs?: number;
  now?: () => number;
}

export function secretCredentials(
  options: SecretCredentialsOptions,
): (dbUser: string) => Promise<UpstreamCredential | undefined> {
  const cache = new Map<string, { readAt: number; credential: Promise<UpstreamCredential> }>();
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  return async (dbUser) => {
    const secretId = Object.hasOwn(options.secretIdByUser, dbUser)
      ? options.secretIdByUser[dbUser]
      : undefined;
    if (secretId === undefined) return undefined;
    const cached = cache.get(dbUser);
    if (cached && now() - cached.readAt < maxAgeMs) return cached.credential;
    const credential = options.client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then(({ SecretString }) => {
        const secret = JSON.parse(SecretString ?? '{}') as { username?: unknown; password?: unknown };
        if (typeof secret.username !== 'string' || typeof secret.password !== 'string') {
          throw new Error(`secret ${secretId} has no username and password`);
        }
        return { username: secret.username, password: secret.password };
      });
    cache.set(dbUser, { readAt: now(), credential });
    // A failed read is not kept: the next connection tries again.
    credential.catch(() => cache.delete(dbUser));
    return credential;
  };
}
