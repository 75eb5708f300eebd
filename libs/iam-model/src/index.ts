export { buildIamModel } from './build-iam-model.ts';
export {
  DEFAULT_SAML_PROVIDER_NAME,
  oidcProviderArn,
  resourceArns,
  roleArn,
  samlProviderArn,
} from './arns.ts';
export { LEDGER_TEAM } from './permission-policies.ts';
export {
  githubSubjects,
  podIdentitySessionTags,
  DEFAULT_OPERATOR_SUBJECT_PATTERN,
  PEOPLE_SESSION_TAG,
  SAML_AUDIENCE,
  STS_AUDIENCE,
  USAGE_REPORTER_SERVICE_ACCOUNT,
  type PodIdentitySessionTags,
} from './trust-policies.ts';
export {
  assertLeastPrivilege,
  assertNoWildcardPrincipal,
  assertWebIdentityTrustPinned,
  validateRole,
} from './validate-role.ts';
export { IamModelError } from './iam-model-error.ts';
export {
  defaultResourceNames,
  ROLE_NAMES,
  type GitHubRepository,
  type IamModel,
  type IamModelParams,
  type OidcProvider,
  type ResourceNames,
  type RoleDefinition,
  type RoleName,
  type SamlProvider,
} from './model-types.ts';
export { tlsOnlyBucketPolicy } from './resource-policies.ts';
export {
  ECR_PULL_ACTIONS,
  ECR_PUSH_ACTIONS,
  IMAGE_NAMES,
  imagePublishingRole,
  imagePublishingRoleArn,
  imagePullRoleName,
  imagePullRoles,
  imageRepositoryArn,
  imageRepositoryName,
  imageRepositoryPolicy,
  type ImageName,
  type PlatformRoleDefinition,
} from './images.ts';
