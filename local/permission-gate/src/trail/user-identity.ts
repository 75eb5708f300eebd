// CloudTrail's userIdentity element for the callers the local system has: sessions the identity
// plane issued (and the emulator administrator's root key), and the principals an STS decision is
// about before any session exists (an AWS service, a web identity, a SAML subject).
import { createHash } from 'node:crypto';
import type { IssuedSession } from '../gate-request.ts';

/** What the trail needs of a session: never its secret key or token. */
export type TrailSession = Pick<
  IssuedSession,
  'accessKeyId' | 'kind' | 'accountId' | 'arn' | 'role' | 'issuedAt'
>;

export type TrailCaller =
  /** A call signed with credentials the gate looked up. `roleId` is the emulator's id of the role, when known. */
  | { type: 'session'; session: TrailSession; roleId?: string }
  /** An AWS service principal, e.g. `ecs-tasks.amazonaws.com` asking for a task role's credentials. */
  | { type: 'service'; service: string }
  /** AssumeRoleWithWebIdentity: the token's `iss`, `aud` and `sub`. */
  | { type: 'web-identity'; issuer: string; audience?: string; subject: string }
  /** AssumeRoleWithSAML: the assertion's issuer and subject and the IAM SAML provider's ARN. */
  | { type: 'saml'; issuer: string; subject: string; providerArn: string }
  /** A request whose signature named no session the gate knows. */
  | { type: 'unknown'; accessKeyId?: string };

export interface SessionIssuer {
  type: 'Role';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface UserIdentity {
  type: 'AssumedRole' | 'Root' | 'AWSService' | 'WebIdentityUser' | 'SAMLUser' | 'Unknown';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  sessionContext?: {
    sessionIssuer: SessionIssuer;
    attributes: { creationDate: string; mfaAuthenticated: 'false' };
  };
}

/** CloudTrail's timestamps: ISO 8601 in UTC to the second. */
export const trailTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A stand-in for the role's unique id (`AROA` + 17 characters on AWS) when the caller has none: the
 * same role ARN always gives the same id, so principalIds stay comparable across records and runs.
 */
export function roleIdFor(roleArn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(roleArn).digest();
  let id = 'AROA';
  for (const byte of digest.subarray(0, 17)) id += alphabet[byte % 32];
  return id;
}

/** `https://token.actions.githubusercontent.com` → `token.actions.githubusercontent.com`, as AWS names providers. */
const providerName = (issuer: string) => issuer.replace(/^https:\/\//, '').replace(/\/$/, '');

/** AWS's SAML NameQualifier: BASE64(SHA1(issuer + account id + "/" + provider name)). */
export function samlNameQualifier(issuer: string, providerArn: string): string {
  const [, , , , accountId = '', resource = ''] = providerArn.split(':');
  const name = resource.replace(/^saml-provider\//, '');
  return createHash('sha1').update(`${issuer}${accountId}/${name}`).digest('base64');
}

export function userIdentityOf(caller: TrailCaller): UserIdentity {
  switch (caller.type) {
    case 'session':
      return sessionIdentity(caller.session, caller.roleId);
    case 'service':
      return { type: 'AWSService', invokedBy: caller.service };
    case 'web-identity': {
      const provider = providerName(caller.issuer);
      return {
        type: 'WebIdentityUser',
        principalId: `${provider}:${caller.audience ?? ''}:${caller.subject}`,
        userName: caller.subject,
        identityProvider: provider,
      };
    }
    case 'saml': {
      const qualifier = samlNameQualifier(caller.issuer, caller.providerArn);
      return {
        type: 'SAMLUser',
        principalId: `${qualifier}:${caller.subject}`,
        userName: caller.subject,
        identityProvider: qualifier,
      };
    }
    case 'unknown':
      return {
        type: 'Unknown',
        ...(caller.accessKeyId !== undefined && { accessKeyId: caller.accessKeyId }),
      };
  }
}

function sessionIdentity(session: TrailSession, roleId: string | undefined): UserIdentity {
  if (session.kind === 'root' || !session.role) {
    return {
      type: 'Root',
      principalId: session.accountId,
      arn: session.arn,
      accountId: session.accountId,
      accessKeyId: session.accessKeyId,
    };
  }
  const { role } = session;
  const issuerId = roleId ?? roleIdFor(role.arn);
  return {
    type: 'AssumedRole',
    principalId: `${issuerId}:${role.sessionName}`,
    arn: session.arn,
    accountId: session.accountId,
    accessKeyId: session.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: issuerId,
        arn: role.arn,
        accountId: session.accountId,
        userName: role.name,
      },
      attributes: { creationDate: trailTime(session.issuedAt), mfaAuthenticated: 'false' },
    },
  };
}
