// The role side of every decision: the role must exist, its trust policy (as IAM returns it,
// URL-encoded) must allow the principal and action with the request's context, and the session
// length must fit the role.
import { GetRoleCommand, NoSuchEntityException, type IAMClient } from '@aws-sdk/client-iam';
import {
  evaluateTrustPolicy,
  PolicyError,
  type EvaluationResult,
  type PolicyDocument,
  type TrustRequest,
} from '@keyless/iam-policy';
import { accessDenied, validationError } from './sts-error.ts';

export interface TrustedRole {
  name: string;
  trustPolicy: PolicyDocument;
  maxSessionDurationSeconds: number;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

export function roleNameOf(roleArn: string): string {
  const name = ROLE_ARN.exec(roleArn)?.[1];
  if (!name) throw validationError('request', `RoleArn ${JSON.stringify(roleArn)} is not a role ARN`);
  return name;
}

export async function loadRole(iam: IAMClient, roleArn: string, action: string): Promise<TrustedRole> {
  const name = roleNameOf(roleArn);
  const role = await iam.send(new GetRoleCommand({ RoleName: name })).then(
    ({ Role }) => Role,
    (error: unknown) => {
      if (error instanceof NoSuchEntityException) return undefined;
      throw error;
    },
  );
  // Compared by ARN, so a role of the same name in another account or path does not stand in.
  if (role?.Arn !== roleArn) {
    throw accessDenied(
      'role',
      `Not authorized to perform ${action} (role check: role ${roleArn} does not exist)`,
    );
  }
  return {
    name,
    trustPolicy: JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '')) as PolicyDocument,
    maxSessionDurationSeconds: role.MaxSessionDuration ?? 3600,
  };
}

/** Evaluates the trust policy and returns the allowing result, or throws AccessDenied with the evaluator's reason. */
export function requireTrust(role: TrustedRole, request: TrustRequest): EvaluationResult {
  let result: EvaluationResult;
  try {
    result = evaluateTrustPolicy(role.trustPolicy, request);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    result = {
      allowed: false,
      decision: 'implicit-deny',
      reason: `the trust policy cannot be evaluated: ${error.message}`,
    };
  }
  if (!result.allowed) {
    throw accessDenied(
      'trust-policy',
      `Not authorized to perform ${request.action} (trust-policy check on role ${role.name}: ${result.reason})`,
      result.statement,
    );
  }
  return result;
}

export interface SessionDurations {
  /** AWS's minimum is 900 s; lower it locally to watch credentials refresh. */
  minimumSeconds: number;
  /** Used when the request names no DurationSeconds (AWS: 3600 s). */
  defaultSeconds: number;
}

export function sessionDuration(
  requested: number | undefined,
  role: TrustedRole,
  limits: SessionDurations,
): number {
  const seconds = requested ?? Math.min(limits.defaultSeconds, role.maxSessionDurationSeconds);
  if (!Number.isInteger(seconds) || seconds < limits.minimumSeconds) {
    throw validationError(
      'session-duration',
      `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: ` +
        `Member must have value greater than or equal to ${limits.minimumSeconds} (session-duration check)`,
    );
  }
  if (seconds > role.maxSessionDurationSeconds) {
    throw validationError(
      'session-duration',
      `The requested DurationSeconds exceeds the MaxSessionDuration set for this role ` +
        `(session-duration check: ${seconds} s > ${role.maxSessionDurationSeconds} s for role ${role.name})`,
    );
  }
  return seconds;
}
