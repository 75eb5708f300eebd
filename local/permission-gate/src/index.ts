export type { AwsError, GateRequest, IssuedSession, SessionLookup } from './gate-request.ts';
export {
  cloudTrailRecord,
  type CloudTrailRecord,
  type TrailCallInput,
  type TrailOutcome,
} from './trail/cloudtrail-record.ts';
export type { TrailCaller, TrailSession, UserIdentity } from './trail/user-identity.ts';
export { redactParameters, stsResponseElements } from './trail/redact-parameters.ts';
export { createTrailWriter, type TrailWriter, type TrailWriterOptions } from './trail/trail-writer.ts';
export { readTrail, isDenied, type TrailFilters, type ReadTrailOptions } from './trail/read-trail.ts';
export { trailDirOf, trailFileFor, newestTrailFile } from './trail/trail-files.ts';
export { formatTrailLine } from './trail/trail-line.ts';
export { authenticateRequest, maxClockSkewMs } from './authenticate/authenticate-request.ts';
export type {
  AuthenticateOptions,
  Authenticated,
  AuthenticationCheck,
  AuthenticationResult,
  AuthType,
  NotAuthenticated,
} from './authenticate/authentication-result.ts';
export { resolveRequest, RESOLVED_SERVICES } from './authorize/resolve-request.ts';
export type {
  Authorization,
  AwsProtocol,
  ConditionContext,
  ResolvedRequest,
  ResolveFailure,
  ResolveScope,
} from './authorize/types.ts';
export { renderAwsError, type RenderedError } from './authorize/render-aws-error.ts';
export { invalidParameter, unmappedOperation } from './authorize/aws-errors.ts';
export { detectProtocol } from './authorize/detect-protocol.ts';
export {
  startPermissionGate,
  type GateCall,
  type LocalAnswer,
  type PermissionGate,
  type PermissionGateOptions,
} from './gate-server.ts';
export { decideCall, type CallDecision, type DecideDeps, type ResourcePolicySource } from './decide-call.ts';
export { createIssuedSessions, type IssuedSessions, type RoleSessionIssued } from './issued-sessions.ts';
export { rolePoliciesFromIam, type RolePolicies, type RolePolicySource } from './role-policies.ts';
export { resourceNamesFromEmulator, type ResourceNames } from './resource-names.ts';
export { gateCallRecord } from './gate-call-record.ts';
export { startLocalGate, type GatedStsFront, type LocalGate, type LocalGateOptions } from './local-gate.ts';
export { createLocalTls, type LocalTls } from './local-tls.ts';
export { modelResourcePolicies } from './model-resource-policies.ts';
