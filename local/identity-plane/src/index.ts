export type * from './contracts.ts';
export {
  createDecisionLog,
  type Decision,
  type DecisionCheck,
  type DecisionLog,
  type DecisionLogOptions,
} from './decision-log.ts';
export { startOidcIssuers, type OidcIssuers, type OidcIssuersOptions } from './oidc/issuer-server.ts';
export { createOidcIssuer, type OidcIssuer } from './oidc/oidc-issuer.ts';
export {
  mintServiceAccountToken,
  serviceAccountSubject,
  type ServiceAccountTokenOptions,
} from './oidc/service-account-token.ts';
export {
  githubClaims,
  mintGithubToken,
  type GithubClaims,
  type GithubTokenOptions,
  type GithubWorkflowRun,
} from './oidc/github-claims.ts';
export { startStsFront, type StsFront, type StsFrontOptions } from './sts/sts-front.ts';
export {
  startLocalIdp,
  samlResponseInPage,
  type LocalIdp,
  type LocalIdpOptions,
} from './saml-idp/local-idp.ts';
export { DEMO_USERS, GROUP_OF_ROLE, type DirectoryUser } from './saml-idp/directory.ts';
export { AWS_SAML_ENDPOINT } from './sts/saml/aws-saml.ts';
export type { ChainingCaller } from './sts/assume-role-as-caller.ts';
export type { SessionDurations } from './sts/role-trust.ts';
export { StsError } from './sts/sts-error.ts';
export type { IssuerLocation } from './sts/issuer-keys.ts';
export { withoutScheme } from './sts/oidc-providers.ts';
export {
  startEcsCredentialsEndpoint,
  type EcsCredentialsEndpoint,
  type EcsCredentialsEndpointOptions,
  type EcsTask,
  type EcsTaskDefinition,
  type EcsTaskEnvironment,
} from './vending/ecs-credentials-endpoint.ts';
export {
  startPodIdentityAgent,
  type PodIdentityAgent,
  type PodIdentityAgentOptions,
  type PodIdentityAssociation,
  type PodIdentityEnvironment,
} from './vending/pod-identity-agent.ts';
export {
  IRSA_AUDIENCE,
  POD_IDENTITY_AUDIENCE,
  irsaEnvironment,
  startProjectedTokenFile,
  type IrsaEnvironment,
  type KubernetesPod,
  type ProjectedTokenFile,
  type ProjectedTokenFileOptions,
} from './vending/projected-token-file.ts';
export {
  startInstanceMetadataService,
  type InstanceMetadataEnvironment,
  type InstanceMetadataService,
  type InstanceMetadataServiceOptions,
} from './vending/instance-metadata-service.ts';
export {
  lambdaCredentialEnvironment,
  type LambdaCredentialEnvironment,
  type LambdaCredentialVariables,
  type LambdaFunction,
} from './vending/lambda-environment.ts';
