export {
  startImageRegistry,
  modelRepositoryPolicies,
  TOKEN_ISSUER,
  type ImageRegistry,
  type ImageRegistryOptions,
} from './start-image-registry.ts';
export {
  createPasswordSealer,
  LOGIN_PASSWORD_LIFETIME_MS,
  type LoginIdentity,
  type PasswordSealer,
} from './login-password.ts';
export { getAuthorizationTokenAnswer } from './get-authorization-token.ts';
export { tagImmutabilityMessage } from './registry-front.ts';
export { startRegistryProcess, type RegistryProcess } from './registry-process.ts';
export {
  CRANE,
  DISTRIBUTION,
  GoMissingError,
  ORAS,
  ensureRegistryTool,
  localBinDir,
  type RegistryTool,
} from './registry-tools.ts';
export { decideScope, parseScope, SCOPE_ACTIONS, type EcrDecision } from './scope-decisions.ts';
export { EXPIRED_PASSWORD_MESSAGE, INVALID_PASSWORD_MESSAGE } from './token-endpoint.ts';
export { craneClient, type CraneClient } from './crane-client.ts';
export { createImageRoles, type ImageRoleArns } from './image-roles.ts';
