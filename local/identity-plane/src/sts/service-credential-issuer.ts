// sts:AssumeRole on behalf of an AWS service principal (ecs-tasks, lambda, pods.eks), as the
// service itself calls it on AWS: the role's trust policy must allow the service, with the
// request's aws:SourceAccount / aws:SourceArn and, for session tags, sts:TagSession too.
import type { RequestContext, StsAction } from '@keyless/iam-policy';
import type { ServiceCredentialIssuer } from '../contracts.ts';
import { emulatorSession } from './emulator-session.ts';
import { loadRole, requireTrust, sessionDuration } from './role-trust.ts';
import { recordDenial } from './sts-error.ts';
import type { StsDeps } from './sts-deps.ts';

export function createServiceCredentialIssuer(deps: StsDeps): ServiceCredentialIssuer {
  return async (request) => {
    const tags = request.tags ?? {};
    const tagKeys = Object.keys(tags);
    const base = { caller: request.service, role: request.roleArn, action: 'sts:AssumeRole' } as const;
    try {
      const role = await loadRole(deps.iam, request.roleArn, 'sts:AssumeRole');
      const context: RequestContext = {
        'aws:SourceAccount': request.sourceAccount,
        'aws:SourceArn': request.sourceArn,
        ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
        'aws:TagKeys': tagKeys.length > 0 ? tagKeys : undefined,
      };
      const actions: StsAction[] =
        tagKeys.length > 0 ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
      const results = actions.map((action) =>
        requireTrust(role, { principal: { type: 'Service', id: request.service }, action, context }),
      );
      const durationSeconds = sessionDuration(request.durationSeconds, role, deps.durations);
      const session = await emulatorSession(deps, {
        roleArn: request.roleArn,
        sessionName: request.sessionName,
        durationSeconds,
        ...(tagKeys.length > 0 && { tags }),
      });
      deps.decisions.record({
        ...base,
        decision: 'allowed',
        check: 'trust-policy',
        statement: results[0]?.statement,
        reason: results.map((result, i) => `${actions[i]} ${result.reason}`).join('; '),
      });
      return session.credentials;
    } catch (error) {
      recordDenial(deps.decisions, base, error);
      throw error;
    }
  };
}
