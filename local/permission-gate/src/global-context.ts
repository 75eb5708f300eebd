// The global condition keys AWS puts in every request's context ("AWS global condition context
// keys", IAM User Guide), for the caller as the gate authenticated it.
import type { GateRequest, IssuedSession } from './gate-request.ts';

export function globalContext(
  request: GateRequest,
  session: IssuedSession,
  at: { now: Date; region: string },
): Record<string, string> {
  const principal: Record<string, string> =
    session.kind === 'root'
      ? { 'aws:PrincipalArn': session.arn, 'aws:PrincipalType': 'Account', 'aws:userid': session.accountId }
      : {
          // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
          'aws:PrincipalArn': session.role?.arn ?? session.arn,
          'aws:PrincipalType': 'AssumedRole',
          'aws:userid': `${session.role?.name ?? ''}:${session.role?.sessionName ?? ''}`,
          'aws:TokenIssueTime': session.issuedAt.toISOString(),
          // A role session's principal tags are its session tags (AWS: they override the role's
          // own tags of the same key; the model's roles carry none).
          ...Object.fromEntries(
            Object.entries(session.tags ?? {}).map(([key, value]) => [`aws:PrincipalTag/${key}`, value]),
          ),
        };
  return {
    ...principal,
    'aws:PrincipalAccount': session.accountId,
    'aws:SecureTransport': String(request.secureTransport),
    'aws:SourceIp': request.sourceIp,
    'aws:CurrentTime': at.now.toISOString(),
    'aws:EpochTime': String(Math.floor(at.now.getTime() / 1000)),
    'aws:RequestedRegion': at.region,
    'aws:ViaAWSService': 'false',
  };
}
