// Credentials as the identity plane issues them, and the gate's lookup of them.
import { madeUpSessionKeyId } from '../support/fake-credentials.ts';
import type { IssuedSession, SessionLookup } from '../../src/gate-request.ts';

export const region = 'us-east-1';
export const accountId = '000000000000';

const hour = 3_600_000;

export function issuedSession(accessKeyId: string, overrides: Partial<IssuedSession> = {}): IssuedSession {
  return {
    accessKeyId,
    secretAccessKey: `secret-of-${accessKeyId}/+Zq9`,
    sessionToken: `token-of-${accessKeyId}`,
    kind: 'assumed-role',
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/writer/${accessKeyId}`,
    role: { arn: `arn:aws:iam::${accountId}:role/writer`, name: 'writer', sessionName: accessKeyId },
    expiration: new Date(Date.now() + hour),
    issuedAt: new Date(Date.now() - 60_000),
    ...overrides,
  };
}

export const roleSession = issuedSession(madeUpSessionKeyId());
export const expiredSession = issuedSession(madeUpSessionKeyId(), {
  expiration: new Date(Date.now() - 60_000),
});
export const rootSession: IssuedSession = {
  accessKeyId: accountId,
  secretAccessKey: 'root-secret-of-the-emulator',
  kind: 'root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  issuedAt: new Date(0),
};

export function sessionLookup(...sessions: IssuedSession[]): SessionLookup {
  const byKey = new Map(sessions.map((session) => [session.accessKeyId, session]));
  return { find: (accessKeyId) => byKey.get(accessKeyId) };
}

export const sessions = sessionLookup(roleSession, expiredSession, rootSession);

/** The credentials an SDK client is given for a session. */
export const credentialsOf = (session: IssuedSession) => ({
  accessKeyId: session.accessKeyId,
  secretAccessKey: session.secretAccessKey,
  ...(session.sessionToken === undefined ? {} : { sessionToken: session.sessionToken }),
});
