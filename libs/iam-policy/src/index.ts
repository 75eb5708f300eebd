export { evaluateIdentityPolicies, evaluateTrustPolicy } from './evaluate-policies.ts';
export { evaluateRequest } from './evaluate-request.ts';
export { describeDenial, type DeniedRequest } from './describe-denial.ts';
export { validatePolicy, type PolicyKind, type ValidateOptions } from './validate-policy.ts';
export { PolicyError } from './policy-error.ts';
export type {
  AccessRequest,
  CallerPrincipal,
  ConditionBlock,
  ConditionValue,
  Decision,
  EvaluationResult,
  IdentityRequest,
  OneOrMany,
  PolicyDocument,
  PolicyType,
  Principal,
  PrincipalMap,
  PrincipalType,
  RequestContext,
  RequestEvaluationResult,
  Statement,
  StsAction,
  TrustRequest,
} from './types.ts';
