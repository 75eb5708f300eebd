// One call's decision: who signed it (authenticate), what it asks for (resolve), and whether the
// caller's policies allow each action on each resource (evaluate, as AWS's policy evaluation
// logic does). The first refusal answers the call, in AWS's words.
import { describeDenial, evaluateRequest, type PolicyDocument } from '@keyless/iam-policy';
import { authenticateRequest } from './authenticate/authenticate-request.ts';
import { accessDenied } from './authorize/aws-errors.ts';
import { resolveRequest, type ResolvedRequest } from './authorize/resolve-request.ts';
import type { Authorization } from './authorize/types.ts';
import { authenticationErrors } from './authenticate/authentication-errors.ts';
import type { ResourceNames } from './resource-names.ts';
import type { AwsError, GateRequest, IssuedSession, SessionLookup } from './gate-request.ts';
import { globalContext } from './global-context.ts';
import type { RolePolicySource } from './role-policies.ts';

export interface ResourcePolicySource {
  /** The resource-based policy that governs this ARN (bucket, queue, secret, key), if any. */
  get(resourceArn: string): Promise<PolicyDocument | undefined>;
}

export interface DecideDeps {
  sessions: SessionLookup;
  roles: RolePolicySource;
  resources?: ResourcePolicySource;
  names?: ResourceNames;
  region: string;
  accountId: string;
  /** The database or proxy resource id an `rds-db` token is decided on (ResolveScope.dbiResourceId). */
  dbiResourceId?: string;
  now?: () => Date;
}

export type CallDecision =
  | {
      allowed: true;
      session: IssuedSession;
      resolved: ResolvedRequest;
      /** Whether the caller could also do this, in the same request context (S3's 404-or-403 rule). */
      permits(authorization: Authorization): Promise<boolean>;
    }
  | {
      allowed: false;
      service?: string;
      error: AwsError;
      /** Which stage refused, for the trail and the gate's log. */
      stage: 'authenticate' | 'resolve' | 'authorize';
      session?: IssuedSession;
      resolved?: ResolvedRequest;
    };

export async function decideCall(request: GateRequest, deps: DecideDeps): Promise<CallDecision> {
  const now = deps.now?.() ?? new Date();
  const authenticated = authenticateRequest(request, deps.sessions, { now, region: deps.region });
  if (!authenticated.ok) {
    return {
      allowed: false,
      stage: 'authenticate',
      service: authenticated.service,
      error: authenticated.error,
    };
  }
  const { session, service } = authenticated;
  const payload = { ...request, body: authenticated.payload };
  await deps.names?.prepare(service, payload);
  const resolved = resolveRequest(payload, {
    service,
    region: deps.region,
    accountId: deps.accountId,
    ...(deps.names && { keySchemas: deps.names.keySchema, secretArn: deps.names.secretArn }),
    ...(deps.dbiResourceId !== undefined && { dbiResourceId: deps.dbiResourceId }),
  });
  if (!resolved.ok) return { allowed: false, stage: 'resolve', service, session, error: resolved.error };
  // The account's root is not limited by IAM policies within its own account.
  if (session.kind === 'root') return { allowed: true, session, resolved, permits: async () => true };

  const role = session.role;
  const policies = role && (await deps.roles.get(role.name));
  // A session outlives nothing of its role: once the role is deleted its token means nothing.
  if (!role || !policies) {
    return {
      allowed: false,
      stage: 'authenticate',
      service,
      session,
      error: authenticationErrors.unknownKey(service),
    };
  }
  const context = {
    ...globalContext(request, session, { now, region: deps.region }),
    [`${service}:signatureAge`]: String(authenticated.signatureAgeMs),
    // S3's own key for the TLS version ("1.2", "1.3"); absent over plain HTTP, as on AWS.
    ...(service === 's3' && request.tls && { 's3:TlsVersion': request.tls.version.replace(/^TLSv/, '') }),
  };
  const evaluate = async (authorization: Authorization) =>
    evaluateRequest({
      principal: { arn: session.arn, accountId: session.accountId, roleArn: role.arn },
      action: authorization.action,
      resource: authorization.resource,
      context: { ...context, ...authorization.context },
      identityPolicies: policies.identity,
      ...(session.sessionPolicy && { sessionPolicies: [session.sessionPolicy] }),
      ...(policies.permissionsBoundary && { permissionsBoundary: policies.permissionsBoundary }),
      ...(await resourcePolicyOf(deps, authorization.resource)),
    });
  for (const authorization of resolved.authorizations) {
    const result = await evaluate(authorization);
    if (!result.allowed) {
      const message = describeDenial(result, {
        principalArn: session.arn,
        action: authorization.action,
        resource: authorization.resource,
      });
      return {
        allowed: false,
        stage: 'authorize',
        service,
        session,
        resolved,
        error: accessDenied(service, message),
      };
    }
  }
  const permits = async (authorization: Authorization) => (await evaluate(authorization)).allowed;
  return { allowed: true, session, resolved, permits };
}

async function resourcePolicyOf(deps: DecideDeps, resource: string) {
  const resourcePolicy = await deps.resources?.get(resource);
  return resourcePolicy ? { resourcePolicy } : {};
}
