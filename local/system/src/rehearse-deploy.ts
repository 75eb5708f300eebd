// `npm run rehearse:deploy`: what the deploy workflow does to get AWS credentials, against the
// running local system: ask the (local) runner for an ID token, exchange it at STS for a role,
// and show what that role may do. No deployment happens.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRolePolicyCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { adminClients } from '@keyless/emulator-admin';
import { evaluateIdentityPolicies, type PolicyDocument } from '@keyless/iam-policy';
import type { SystemDescription } from './start-system.ts';

export interface Rehearsal {
  title: string;
  role: 'deploy' | 'diff';
  run: { event: 'push' | 'pull_request'; environment?: string; ref?: string };
  expect: 'allowed' | 'denied';
}

/** The deploy job, a pull request trying the deploy role, and the pull-request diff job. */
export const rehearsals: Rehearsal[] = [
  {
    title: 'deploy job (push to main, environment production)',
    role: 'deploy',
    run: { event: 'push', environment: 'production' },
    expect: 'allowed',
  },
  {
    title: 'pull request asking for deploy',
    role: 'deploy',
    run: { event: 'pull_request' },
    expect: 'denied',
  },
  { title: 'pull request diff job', role: 'diff', run: { event: 'pull_request' }, expect: 'allowed' },
];

export interface RehearsalOutcome {
  rehearsal: Rehearsal;
  outcome: 'allowed' | 'denied';
  /** The session's role ARN, or STS's denial message. */
  detail: string;
  /** For allowed sessions: sample actions and whether the role's policies allow them. */
  permissions: { action: string; resource: string; allowed: boolean }[];
}

async function requestIdToken(system: SystemDescription, run: Rehearsal['run']): Promise<string> {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token } = system.identity.github;
  const query = new URLSearchParams({ audience: 'sts.amazonaws.com', ...run });
  const response = await fetch(`${url}?${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`the runner refused the ID token request: HTTP ${response.status}`);
  return ((await response.json()) as { value: string }).value;
}

async function rolePolicies(system: SystemDescription, role: string): Promise<PolicyDocument[]> {
  const { iam } = adminClients({ endpoint: system.endpoints.aws, region: system.region });
  const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: role }));
  return Promise.all(
    PolicyNames.map(async (PolicyName) => {
      const { PolicyDocument: doc } = await iam.send(
        new GetRolePolicyCommand({ RoleName: role, PolicyName }),
      );
      return JSON.parse(decodeURIComponent(doc ?? '{}')) as PolicyDocument;
    }),
  );
}

function sampleActions(system: SystemDescription) {
  const { accountId: account, region } = system;
  return [
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`,
    },
    { action: 'ecs:UpdateService', resource: `arn:aws:ecs:${region}:${account}:service/keyless/api` },
    {
      action: 'cloudformation:GetTemplate',
      resource: `arn:aws:cloudformation:${region}:${account}:stack/keyless-services/1`,
    },
    { action: 's3:GetObject', resource: `arn:aws:s3:::${system.resources.names.bucket}/reports/latest.json` },
    { action: 'secretsmanager:GetSecretValue', resource: system.resources.secrets.writerSecret },
  ];
}

export async function rehearse(system: SystemDescription, rehearsal: Rehearsal): Promise<RehearsalOutcome> {
  const token = await requestIdToken(system, rehearsal.run);
  // As aws-actions/configure-aws-credentials does: an unsigned AssumeRoleWithWebIdentity.
  const sts = new STSClient({ region: system.region, endpoint: system.identity.stsEndpoint, maxAttempts: 1 });
  try {
    const { AssumedRoleUser } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: system.resources.roles[rehearsal.role],
        RoleSessionName: `rehearsal-${rehearsal.role}`,
        WebIdentityToken: token,
      }),
    );
    const policies = await rolePolicies(system, rehearsal.role);
    const permissions = sampleActions(system).map((sample) => ({
      ...sample,
      allowed: evaluateIdentityPolicies(policies, sample).allowed,
    }));
    return { rehearsal, outcome: 'allowed', detail: AssumedRoleUser?.Arn ?? '', permissions };
  } catch (error) {
    if ((error as { name?: string }).name !== 'AccessDenied') throw error;
    return { rehearsal, outcome: 'denied', detail: (error as Error).message, permissions: [] };
  } finally {
    sts.destroy();
  }
}

export function describeOutcome({ rehearsal, outcome, detail, permissions }: RehearsalOutcome): string {
  const mark = outcome === rehearsal.expect ? 'ok ' : 'UNEXPECTED';
  const lines = [`${mark} ${rehearsal.title}: ${rehearsal.role} ${outcome}`, `     ${detail}`];
  for (const p of permissions)
    lines.push(`     ${p.allowed ? 'may    ' : 'may not'} ${p.action} on ${p.resource}`);
  return lines.join('\n');
}
