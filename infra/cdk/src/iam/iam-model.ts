// The one place the CDK app turns its settings into the shared IAM model's parameters, so the
// roles it deploys are exactly the ones the local identity plane enforces.
import {
  buildIamModel,
  defaultResourceNames,
  type IamModel,
  type IamModelParams,
  type RoleDefinition,
  type RoleName,
} from '@keyless/iam-model';
import type { Settings } from '../settings.ts';

export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
export const ECS_CLUSTER_NAME = 'keyless';
export const EKS_CLUSTER_NAME = 'keyless';
export const LAMBDA_FUNCTION_NAME = 'upload-processor';
export const STACK_NAME_PREFIX = 'keyless';

/**
 * The EKS cluster's OIDC issuer only exists once the cluster does, so the model is built with this
 * stand-in and the usage-reporter role swaps in the real issuer at deploy time (see ModelRole).
 * `.invalid` is a reserved TLD: a stand-in that ever escaped into IAM would trust nothing.
 */
export const EKS_ISSUER_SLOT = 'eks-oidc-issuer.invalid';

/**
 * The ledger proxy's resource id, known once the proxy exists: the usage-reporter role's
 * `rds-db:connect` grant is built with this stand-in and given the real id at deploy time.
 */
export const LEDGER_PROXY_SLOT = 'prx-ledger-proxy-id-slot';

export function iamModelParams(settings: Settings): IamModelParams {
  return {
    partition: 'aws',
    accountId: settings.account,
    region: settings.region,
    names: { ...defaultResourceNames, bucket: settings.bucketName, ledgerProxyResourceId: LEDGER_PROXY_SLOT },
    eksOidcIssuer: EKS_ISSUER_SLOT,
    githubOidcIssuer: GITHUB_OIDC_ISSUER,
    github: { owner: settings.githubOwner, repo: settings.githubRepo },
    lambdaFunctionName: LAMBDA_FUNCTION_NAME,
    eksClusterName: EKS_CLUSTER_NAME,
    ecsClusterName: ECS_CLUSTER_NAME,
    stackNamePrefix: STACK_NAME_PREFIX,
    samlProviderName: settings.samlProviderName,
  };
}

export interface KeylessIamModel extends IamModel {
  params: IamModelParams;
  role(name: RoleName): RoleDefinition;
}

export function keylessIamModel(settings: Settings): KeylessIamModel {
  const params = iamModelParams(settings);
  const model = buildIamModel(params);
  return {
    ...model,
    params,
    role(name) {
      const found = model.roles.find((role) => role.name === name);
      if (!found) throw new Error(`the IAM model has no role '${name}'`);
      return found;
    },
  };
}
