// Credentials come from the emulator only after the identity plane has allowed the request: the
// emulator's AssumeRole (called as its administrator) mints keys it will accept, and checks nothing.
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { TemporaryCredentials } from '../contracts.ts';
import type { XmlTree } from './query-protocol.ts';
import type { StsDeps } from './sts-deps.ts';

export interface EmulatorSession {
  credentials: TemporaryCredentials;
  assumedRoleArn: string;
  assumedRoleId: string;
}

export interface EmulatorSessionRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  tags?: Record<string, string>;
  policy?: string;
}

export async function emulatorSession(
  deps: Pick<StsDeps, 'sts' | 'onSessionIssued'>,
  request: EmulatorSessionRequest,
): Promise<EmulatorSession> {
  const { Credentials, AssumedRoleUser } = await deps.sts.send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      RoleSessionName: request.sessionName,
      DurationSeconds: request.durationSeconds,
      Policy: request.policy,
      Tags: request.tags && Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  if (
    !Credentials?.AccessKeyId ||
    !Credentials.SecretAccessKey ||
    !Credentials.SessionToken ||
    !Credentials.Expiration
  ) {
    throw new Error(`the emulator's AssumeRole for ${request.roleArn} returned no credentials`);
  }
  const session: EmulatorSession = {
    credentials: {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    },
    assumedRoleArn: AssumedRoleUser?.Arn ?? '',
    assumedRoleId: AssumedRoleUser?.AssumedRoleId ?? '',
  };
  deps.onSessionIssued({
    credentials: session.credentials,
    roleArn: request.roleArn,
    assumedRoleArn: session.assumedRoleArn,
    sessionName: request.sessionName,
    ...(request.policy !== undefined && { sessionPolicy: request.policy }),
    ...(request.tags !== undefined && { tags: request.tags }),
  });
  return session;
}

/** The part of every AssumeRole* response that carries the session: its credentials and who it is. */
export function sessionElements(session: EmulatorSession): XmlTree {
  return {
    Credentials: {
      AccessKeyId: session.credentials.accessKeyId,
      SecretAccessKey: session.credentials.secretAccessKey,
      SessionToken: session.credentials.sessionToken,
      Expiration: session.credentials.expiration.toISOString(),
    },
    AssumedRoleUser: { Arn: session.assumedRoleArn, AssumedRoleId: session.assumedRoleId },
  };
}
