// Credentials come from the emulator only after the identity plane has allowed the request: the
// emulator's AssumeRole (called as its administrator) mints keys it will accept, and checks nothing.
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { TemporaryCredentials } from '../contracts.ts';

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
  sts: STSClient,
  request: EmulatorSessionRequest,
): Promise<EmulatorSession> {
  const { Credentials, AssumedRoleUser } = await sts.send(
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
  return {
    credentials: {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    },
    assumedRoleArn: AssumedRoleUser?.Arn ?? '',
    assumedRoleId: AssumedRoleUser?.AssumedRoleId ?? '',
  };
}
