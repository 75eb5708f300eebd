export { evaluateIdentityPolicies, evaluateTrustPolicy } from './evaluate-policies.ts';
export { validatePolicy, type PolicyKind } from './validate-policy.ts';
export { PolicyError } from './policy-error.ts';
export type {
  ConditionBlock,
  ConditionValue,
  Decision,
  EvaluationResult,
  IdentityRequest,
  OneOrMany,
  PolicyDocument,
  Principal,
  PrincipalMap,
  PrincipalType,
  RequestContext,
  Statement,
  StsAction,
  TrustRequest,
} from './types.ts';
