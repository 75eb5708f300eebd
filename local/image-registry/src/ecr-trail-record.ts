// A registry decision as a CloudTrail record, as ECR writes its image events: the caller the login
// password named, the ECR action as eventName, the repository as the resource.
import type { IncomingMessage } from 'node:http';
import { cloudTrailRecord, type CloudTrailRecord, type TrailOutcome } from '@keyless/permission-gate';
import type { LoginIdentity } from './login-password.ts';

/** What a bearer token carries of its caller (claim `keyless:caller`), for the front's records. */
export type TrailIdentity = Omit<LoginIdentity, 'expiresAt'>;

export function ecrTrailRecord(input: {
  identity: TrailIdentity;
  action: string;
  repositoryName: string;
  repositoryArn: string;
  outcome: TrailOutcome;
  reason?: string;
  region: string;
  req: IncomingMessage;
}): CloudTrailRecord {
  const { identity, action, req } = input;
  return cloudTrailRecord({
    caller: {
      type: 'session',
      session: {
        accessKeyId: identity.accessKeyId,
        kind: 'assumed-role',
        accountId: identity.accountId,
        arn: identity.sessionArn,
        role: { arn: identity.roleArn, name: identity.roleName, sessionName: identity.sessionName },
        issuedAt: new Date(identity.sessionIssuedAt),
      },
    },
    service: 'ecr',
    operation: action.replace(/^[a-z]+:/, ''),
    region: input.region,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    ...(req.headers['user-agent'] && { userAgent: req.headers['user-agent'] }),
    requestParameters: { repositoryName: input.repositoryName, registryId: identity.accountId },
    resources: [input.repositoryArn],
    authorizations: [{ action, resource: input.repositoryArn }],
    outcome: input.outcome,
    ...(input.reason !== undefined && { reason: input.reason }),
  });
}

/** The caller a bearer token names; only read once the registry has accepted that token. */
export function bearerCaller(authorization: string | undefined): TrailIdentity | undefined {
  const payload = /^Bearer\s+[^.]+\.([^.]+)\./i.exec(authorization ?? '')?.[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      'keyless:caller'?: TrailIdentity;
    };
    return claims['keyless:caller'];
  } catch {
    return undefined;
  }
}
