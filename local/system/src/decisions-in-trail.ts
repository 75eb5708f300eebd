// The identity plane's credential decisions are CloudTrail events too: STS's AssumeRole* calls
// appear in a real account's trail with the token's issuer and subject, or the service acting.
// Role chaining is not among them: it reaches STS through the permission gate, which records it.
import type { Decision, DecisionLog } from '@keyless/identity-plane';
import { cloudTrailRecord, type CloudTrailRecord, type TrailCaller } from '@keyless/permission-gate';

export function decisionsInTrail(
  log: DecisionLog,
  trail: { append(record: CloudTrailRecord): void },
  region: string,
): DecisionLog {
  return {
    record(decision) {
      log.record(decision);
      const caller = callerOf(decision);
      if (!caller) return;
      trail.append(
        cloudTrailRecord({
          caller,
          service: 'sts',
          operation: decision.action.slice('sts:'.length),
          region,
          sourceIp: '127.0.0.1',
          requestParameters: { roleArn: decision.role },
          outcome:
            decision.decision === 'allowed'
              ? { result: 'allowed' }
              : { result: 'denied', errorCode: 'AccessDenied', errorMessage: decision.reason },
          reason: `${decision.check}: ${decision.reason}`,
        }),
      );
    },
  };
}

function callerOf(decision: Decision): TrailCaller | undefined {
  if (decision.action === 'sts:AssumeRoleWithWebIdentity') {
    return { type: 'web-identity', issuer: decision.issuer ?? 'unknown', subject: decision.caller };
  }
  if (decision.action === 'sts:AssumeRoleWithSAML' && decision.provider) {
    return {
      type: 'saml',
      issuer: decision.issuer ?? 'unknown',
      subject: decision.caller,
      providerArn: decision.provider,
    };
  }
  if (decision.action === 'sts:AssumeRole' && !decision.caller.startsWith('arn:')) {
    return { type: 'service', service: decision.caller };
  }
  return undefined;
}
