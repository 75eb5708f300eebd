// sts:AssumeRoleWithWebIdentity as AWS runs it: verify the token, then the role's trust policy,
// then issue a session. Each refusal and each grant is one decision-log line.
import type { XmlTree } from './query-protocol.ts';
import { loadRole, requireTrust, sessionDuration } from './role-trust.ts';
import { emulatorSession, sessionElements } from './emulator-session.ts';
import { parseDuration, requiredParam, requireSessionName } from './request-params.ts';
import { recordDenial } from './sts-error.ts';
import type { StsDeps } from './sts-deps.ts';
import { peekToken, verifyWebIdentityToken } from './verify-web-identity.ts';
import { webIdentityContext } from './web-identity-context.ts';

const ACTION = 'sts:AssumeRoleWithWebIdentity';

export async function assumeRoleWithWebIdentity(params: URLSearchParams, deps: StsDeps): Promise<XmlTree> {
  const roleArn = params.get('RoleArn') ?? '';
  const token = params.get('WebIdentityToken') ?? '';
  const claimed = peekToken(token);
  const base = {
    caller: claimed.subject ?? 'unknown',
    issuer: claimed.issuer,
    role: roleArn,
    action: ACTION,
  } as const;
  try {
    requiredParam(params, 'RoleArn');
    const sessionName = requireSessionName(params);
    requiredParam(params, 'WebIdentityToken');
    const requestedDuration = parseDuration(params);

    const identity = await verifyWebIdentityToken(token, deps);
    const role = await loadRole(deps.iam, roleArn, ACTION);
    const trust = requireTrust(role, {
      principal: { type: 'Federated', id: identity.provider.arn },
      action: ACTION,
      context: webIdentityContext(identity, deps.githubIssuers),
    });
    const durationSeconds = sessionDuration(requestedDuration, role, deps.durations);
    const session = await emulatorSession(deps, {
      roleArn,
      sessionName,
      durationSeconds,
      policy: params.get('Policy') ?? undefined,
    });
    deps.decisions.record({
      ...base,
      caller: identity.claims.sub,
      decision: 'allowed',
      check: 'trust-policy',
      statement: trust.statement,
      reason: trust.reason,
    });
    return {
      ...sessionElements(session),
      SubjectFromWebIdentityToken: identity.claims.sub,
      Provider: identity.provider.url,
      Audience: identity.audience,
    };
  } catch (error) {
    recordDenial(deps.decisions, base, error);
    throw error;
  }
}
