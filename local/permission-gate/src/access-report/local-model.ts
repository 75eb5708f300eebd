// The model the local system deploys: the same parameters as the bootstrap's
// (local/platform/src/bootstrap/bootstrap.ts), with the account and the region read from the trail,
// so the grants' ARNs are the ones the trail's calls were authorized on.
import { buildIamModel, defaultResourceNames, type IamModel, type IamModelParams } from '@keyless/iam-model';
import type { CloudTrailRecord } from '../trail/cloudtrail-record.ts';

/** The emulator's account (@keyless/emulator-admin) and the local system's default region. */
export const localDefaults = { accountId: '123456789012', region: 'eu-west-1' } as const;

function mostCommon(values: Iterable<string>): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The account and region of the role sessions' calls (the most common, should a trail mix them). */
export function scopeOfTrail(records: readonly CloudTrailRecord[]): { accountId: string; region: string } {
  const calls = records.filter((record) => record.userIdentity.sessionContext?.sessionIssuer);
  return {
    accountId:
      mostCommon(
        calls.flatMap((record) => record.userIdentity.sessionContext?.sessionIssuer.accountId ?? []),
      ) ?? localDefaults.accountId,
    region: mostCommon(calls.map((record) => record.awsRegion)) ?? localDefaults.region,
  };
}

export function localModelParams(scope: { accountId: string; region: string }): IamModelParams {
  return {
    partition: 'aws',
    accountId: scope.accountId,
    region: scope.region,
    names: defaultResourceNames,
    // Issuers and the repository only shape trust policies, which grant no permission.
    eksOidcIssuer: 'localhost/eks',
    githubOidcIssuer: 'localhost/github',
    github: { owner: 'keyless-example', repo: 'keyless' },
    lambdaFunctionName: 'upload-processor',
    eksClusterName: 'keyless',
  };
}

export const localIamModel = (scope: { accountId: string; region: string }): IamModel =>
  buildIamModel(localModelParams(scope));
