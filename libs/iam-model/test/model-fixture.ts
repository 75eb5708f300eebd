import {
  buildIamModel,
  defaultResourceNames,
  type IamModelParams,
  type RoleDefinition,
  type RoleName,
} from '../src/index.ts';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const EKS_ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';
export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

export const params: IamModelParams = {
  partition: 'aws',
  accountId: ACCOUNT,
  region: 'eu-west-1',
  names: { ...defaultResourceNames },
  eksOidcIssuer: EKS_ISSUER,
  githubOidcIssuer: GITHUB_ISSUER,
  github: { owner: 'o', repo: 'r' },
  lambdaFunctionName: 'upload-processor',
  eksClusterName: 'keyless',
};

export function role(name: RoleName, overrides: Partial<IamModelParams> = {}): RoleDefinition {
  const found = buildIamModel({ ...params, ...overrides }).roles.find((r) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return found;
}
