// The IAM JSON policy grammar, as far as this project uses it. Field names are AWS's own, so a
// document built with these types is exactly what CloudFormation and IAM accept.

export type OneOrMany<T> = T | T[];

export interface PrincipalMap {
  AWS?: OneOrMany<string>;
  Service?: OneOrMany<string>;
  Federated?: OneOrMany<string>;
}

export type Principal = '*' | PrincipalMap;

export type PrincipalType = keyof PrincipalMap;

/** JSON policies may write numbers and booleans unquoted; IAM compares them as strings. */
export type ConditionValue = string | number | boolean;

/** operator (e.g. "StringEquals", "ForAnyValue:StringLike") → context key → value(s). */
export type ConditionBlock = Record<string, Record<string, OneOrMany<ConditionValue>>>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Id?: string;
  Statement: Statement[];
}

/**
 * The request context: condition key → value. `undefined` or `[]` means the key is absent, which
 * is what the Null operator, `...IfExists` and the set operators test for.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

export type StsAction =
  | 'sts:AssumeRole'
  | 'sts:AssumeRoleWithWebIdentity'
  | 'sts:AssumeRoleWithSAML'
  | 'sts:TagSession'
  | 'sts:SetSourceIdentity'
  | 'sts:SetContext';

export interface TrustRequest {
  /** `id` is a service principal, an identity provider ARN, or an AWS account ID / ARN. */
  principal: { type: PrincipalType; id: string };
  action: StsAction;
  context?: RequestContext;
}

export interface IdentityRequest {
  action: string;
  resource: string;
  context?: RequestContext;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface EvaluationResult {
  allowed: boolean;
  decision: Decision;
  /**
   * The statement that decided (its Sid, or `#<index>` when it has none). For an implicit deny,
   * the Allow statement that came closest to matching; `reason` says which of its checks failed.
   */
  statement?: string;
  /** For identity policies: the policy holding `statement` (its name, or `#<index>` in an array). */
  policy?: string;
  /** One sentence for a human: what decided, and for a deny, precisely which check failed. */
  reason: string;
}

/** The policy type that decided a combined request (evaluateRequest). */
export type PolicyType = 'identity' | 'resource' | 'session' | 'boundary';

/** Who makes a request: an IAM user, or a role session (then `arn` is the session's). */
export interface CallerPrincipal {
  /** e.g. `arn:aws:sts::111122223333:assumed-role/api/sess` or `arn:aws:iam::111122223333:user/ci`. */
  arn: string;
  accountId: string;
  /**
   * The role behind an assumed-role session, as a resource policy may name it
   * (`arn:aws:iam::111122223333:role/api`). Derived from `arn` when absent, without a role path:
   * pass it for a role created under a path.
   */
  roleArn?: string;
}

/** One request within one account, with every policy type that applies to it. */
export interface AccessRequest {
  principal: CallerPrincipal;
  action: string;
  resource: string;
  context?: RequestContext;
  /** The role's (or user's) policies, as evaluateIdentityPolicies takes them. */
  identityPolicies: readonly PolicyDocument[] | Readonly<Record<string, PolicyDocument>>;
  /** Policies passed to AssumeRole* (inline and managed); absent or empty means none. */
  sessionPolicies?: readonly PolicyDocument[] | Readonly<Record<string, PolicyDocument>>;
  permissionsBoundary?: PolicyDocument;
  /** The bucket, queue, secret or key policy of `resource`: statements with Principal elements. */
  resourcePolicy?: PolicyDocument;
}

export interface RequestEvaluationResult extends EvaluationResult {
  /** Which policy type decided: the one with the explicit Deny, the Allow, or the missing Allow. */
  policyType?: PolicyType;
}
