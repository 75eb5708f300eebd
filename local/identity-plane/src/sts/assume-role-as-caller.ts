// sts:AssumeRole signed by a workload's own credentials (role chaining). The caller's permission to
// call sts:AssumeRole on the target is the permission gate's to decide, with the caller's policies;
// here the TARGET's trust policy must allow the caller, as AWS requires both.
import type { RequestContext, TrustRequest } from '@keyless/iam-policy';
import type { XmlTree } from './query-protocol.ts';
import { emulatorSession, sessionElements } from './emulator-session.ts';
import { parseDuration, requiredParam, requireSessionName } from './request-params.ts';
import { loadRole, requireTrust, sessionDuration, type TrustedRole } from './role-trust.ts';
import { recordDenial, StsError } from './sts-error.ts';
import type { StsDeps } from './sts-deps.ts';

/** The already-authenticated caller, as the permission gate verified it. */
export interface ChainingCaller {
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` */
  arn: string;
  /** The role behind the session, `arn:aws:iam::<acct>:role/<role>`: what trust policies name. */
  roleArn: string;
  accountId: string;
  sessionName: string;
}

const ACTION = 'sts:AssumeRole';
/** "Role chaining limits your role session to a maximum of one hour" (IAM User Guide, "Role chaining"). */
const CHAINED_SESSION_MAX_SECONDS = 3600;

export async function assumeRoleAsCaller(
  caller: ChainingCaller,
  params: URLSearchParams,
  deps: StsDeps,
): Promise<XmlTree> {
  const roleArn = params.get('RoleArn') ?? '';
  const base = { caller: caller.arn, role: roleArn, action: ACTION } as const;
  try {
    requiredParam(params, 'RoleArn');
    const sessionName = requireSessionName(params);
    const requestedDuration = parseDuration(params);
    const role = await loadRole(deps.iam, roleArn, ACTION);
    const context: RequestContext = {
      'aws:PrincipalArn': caller.roleArn,
      'aws:PrincipalAccount': caller.accountId,
      'aws:PrincipalType': 'AssumedRole',
      'sts:RoleSessionName': sessionName,
    };
    const trust = trustForSession(role, caller, context);
    const durationSeconds = sessionDuration(
      requestedDuration,
      {
        ...role,
        maxSessionDurationSeconds: Math.min(role.maxSessionDurationSeconds, CHAINED_SESSION_MAX_SECONDS),
      },
      deps.durations,
    );
    const policy = params.get('Policy') ?? undefined;
    const session = await emulatorSession(deps, { roleArn, sessionName, durationSeconds, policy });
    deps.decisions.record({
      ...base,
      decision: 'allowed',
      check: 'trust-policy',
      statement: trust.statement,
      reason: trust.reason,
    });
    return {
      ...sessionElements(session),
    };
  } catch (error) {
    recordDenial(deps.decisions, base, error);
    throw error;
  }
}

/**
 * A trust policy may name the caller's session ARN, its role ARN or its account: the session is
 * matched as each of them in turn, and the role's refusal is the one reported.
 */
function trustForSession(role: TrustedRole, caller: ChainingCaller, context: RequestContext) {
  const request = (id: string): TrustRequest => ({ principal: { type: 'AWS', id }, action: ACTION, context });
  try {
    return requireTrust(role, request(caller.arn));
  } catch (error) {
    if (!(error instanceof StsError)) throw error;
    return requireTrust(role, request(caller.roleArn));
  }
}
