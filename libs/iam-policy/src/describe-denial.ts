// The sentence AWS puts in an AccessDenied error, per "Troubleshoot access denied error messages"
// (IAM User Guide): `User: <arn> is not authorized to perform: <action> on resource: <arn>`,
// then `with an explicit deny in a <type> policy` or `because no <type> policy allows the
// <action> action`. ("with an explicit deny in a sessions policy" on that page reads as a typo;
// this writes "session policy", like the implicit form.)
import type { PolicyType, RequestEvaluationResult } from './types.ts';

const EXPLICIT: Readonly<Record<PolicyType, string>> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  session: 'a session policy',
  boundary: 'a permissions boundary',
};

const IMPLICIT: Readonly<Record<PolicyType, string>> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  session: 'session policy',
  boundary: 'permissions boundary',
};

export interface DeniedRequest {
  principalArn: string;
  action: string;
  /** Left out of the message when absent, as AWS does for actions on no particular resource. */
  resource?: string;
}

/**
 * The AccessDenied message for a denied result. A result without `policyType` (from
 * evaluateIdentityPolicies) is taken as decided by identity-based policies.
 */
export function describeDenial(result: RequestEvaluationResult, request: DeniedRequest): string {
  if (result.allowed) {
    throw new TypeError(`describeDenial: the result allows ${request.action}; only a denial has a message`);
  }
  const policyType = result.policyType ?? 'identity';
  const onResource = request.resource ? ` on resource: ${request.resource}` : '';
  const why =
    result.decision === 'explicit-deny'
      ? `with an explicit deny in ${EXPLICIT[policyType]}`
      : `because no ${IMPLICIT[policyType]} allows the ${request.action} action`;
  return `User: ${request.principalArn} is not authorized to perform: ${request.action}${onResource} ${why}`;
}
