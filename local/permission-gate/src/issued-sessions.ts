// The credentials the gate accepts: each session the identity plane issued, and the emulator's
// administrator (the account's root, for the platform's own tooling). A key nobody issued is
// refused, as AWS refuses a key it does not know.
import type { IssuedSession, SessionLookup } from './gate-request.ts';

export interface RoleSessionIssued {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date };
  roleArn: string;
  assumedRoleArn: string;
  sessionName: string;
  sessionPolicy?: string;
  tags?: Readonly<Record<string, string>>;
}

export interface IssuedSessions extends SessionLookup {
  /** Registers a role session (the STS front's onSessionIssued). */
  recordRoleSession(session: RoleSessionIssued): void;
  /** Registers long-term root credentials of the account (no session token). */
  recordRoot(credentials: { accessKeyId: string; secretAccessKey: string }, accountId: string): void;
}

/** Expired sessions stay findable this long, so a late call is told ExpiredToken, not an unknown key. */
const KEEP_EXPIRED_MS = 60 * 60 * 1000;

export function createIssuedSessions(now: () => Date = () => new Date()): IssuedSessions {
  const byKey = new Map<string, IssuedSession>();

  const forgetStale = () => {
    const cutoff = now().getTime() - KEEP_EXPIRED_MS;
    for (const [key, session] of byKey) {
      if (session.expiration && session.expiration.getTime() < cutoff) byKey.delete(key);
    }
  };

  return {
    find: (accessKeyId) => byKey.get(accessKeyId),
    recordRoleSession(session) {
      forgetStale();
      const accountId = session.roleArn.split(':')[4] ?? '';
      const roleName = session.roleArn.slice(session.roleArn.lastIndexOf('/') + 1);
      byKey.set(session.credentials.accessKeyId, {
        accessKeyId: session.credentials.accessKeyId,
        secretAccessKey: session.credentials.secretAccessKey,
        sessionToken: session.credentials.sessionToken,
        kind: 'assumed-role',
        accountId,
        arn:
          session.assumedRoleArn ||
          `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session.sessionName}`,
        role: { arn: session.roleArn, name: roleName, sessionName: session.sessionName },
        expiration: session.credentials.expiration,
        ...(session.sessionPolicy && { sessionPolicy: JSON.parse(session.sessionPolicy) }),
        ...(session.tags && { tags: { ...session.tags } }),
        issuedAt: now(),
      });
    },
    recordRoot(credentials, accountId) {
      byKey.set(credentials.accessKeyId, {
        ...credentials,
        kind: 'root',
        accountId,
        arn: `arn:aws:iam::${accountId}:root`,
        issuedAt: now(),
      });
    },
  };
}
