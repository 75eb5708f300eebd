export { buildKeylessApp } from './keyless-app.ts';
export type { KeylessStacks } from './keyless-stacks.ts';
export { EKS_KUBERNETES_VERSION } from './eks-version.ts';
export { readSettings, settingsSchema, SettingsError, type Settings } from './settings.ts';
export {
  ECS_CLUSTER_NAME,
  EKS_CLUSTER_NAME,
  GITHUB_OIDC_ISSUER,
  iamModelParams,
  keylessIamModel,
  LAMBDA_FUNCTION_NAME,
  STACK_NAME_PREFIX,
} from './iam/iam-model.ts';
export { ModelRole } from './iam/model-role.ts';
export { KeylessChecks } from './nag/keyless-checks.ts';
export { IMAGE_REPOSITORIES, type ImageName } from './stacks/pipeline-stack.ts';
export { METRICS_NAMESPACE, SERVICE_METRICS } from './service-metrics.ts';
export { API_PORT, commonEnvironment, WORKER_HEALTH_PORT } from './service-environment.ts';
